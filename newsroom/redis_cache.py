"""Django's Redis cache backend, keeping one client per connection pool, with Redis Sentinel as an option.

Django builds a new `redis.Redis` on every cache call, and its constructor fills a table of some 170
response callbacks: on a page-cache hit that was a fifth of the request. A client is safe to share; the
pool it wraps already is.

With OPTIONS `sentinels` ([(host, port), ...]) and `service_name`, every call, reads included, goes to the
primary the Sentinels name now: a replica can miss a write just made (an invalidation). After a failover
the pool asks the Sentinels again; the calls that failed meanwhile make the cache layer start new
generations (articles/caching/store.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class SentinelRedisCacheClient(ReusedClientRedisCacheClient):
    def __init__(self, servers, *, sentinels, service_name, **options):
        super().__init__(servers, **options)
        from redis.sentinel import Sentinel, SentinelConnectionPool

        # The Sentinels are asked with the same short timeouts as the data calls.
        timeouts = {
            name: options[name] for name in ("socket_timeout", "socket_connect_timeout") if name in options
        }
        manager = Sentinel([tuple(address) for address in sentinels], sentinel_kwargs=timeouts)
        self._primary_pool = SentinelConnectionPool(service_name, manager, **self._pool_options)

    def _get_connection_pool(self, write):
        return self._primary_pool


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = (
            SentinelRedisCacheClient if "sentinels" in self._options else ReusedClientRedisCacheClient
        )

    def count_in_window(self, key: str, seconds: int) -> tuple[int, int]:
        """Add one to the counter `key`, which lives `seconds` from its first count: (count, seconds left).

        One MULTI/EXEC round trip, so every server process shares the count and none can see the key
        without its expiry (the read API's rate limits, articles/api/ratelimit.py).
        """
        key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=seconds, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = pipe.execute()
        return count, max(ttl, 1)
