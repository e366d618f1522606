"""Moving in from WordPress: its export (WXR) read as a stream, and written through the services."""
