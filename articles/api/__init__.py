"""The read API (/api/v1/): published stories in IPTC ninjs 2.x, sections, tags and authors, for partners
and apps. Keys and rate limits are checked by `middleware.ApiGateMiddleware`, before the page cache."""
