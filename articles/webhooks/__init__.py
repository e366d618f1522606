"""Webhooks: subscribers told of published, updated, unpublished and corrected stories by signed JSON
POSTs that the worker delivers and retries."""
