"""Old addresses that keep working: looking a redirect up (one indexed query, then the cache), the 404s
readers hit, and redirects from a CSV file."""
