"""Story reads and the most-read lists: the beacon (counted in Redis), the flush (into PostgreSQL), the
lists readers see and the figures editors see. Nothing here stores an address, a cookie or a referrer
URL (docs/operations.md#most-read)."""
