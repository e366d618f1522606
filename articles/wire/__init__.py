"""Wire ingest: agency feeds (RSS, Atom, ninjs) polled by the worker into the desk's incoming-wire queue,
and "Use this", which makes a draft of an item through the services."""
