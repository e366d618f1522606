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

    # --- Read counters (articles/caching/counters.py) ---------------------------------------------------

    def _script(self, name: str, source: str):
        scripts = self.__dict__.setdefault("_scripts", {})
        if name not in scripts:
            scripts[name] = self._cache.get_client(write=True).register_script(source)
        return scripts[name]

    def count_read(self, seen: str | None, seen_seconds: int, counts: dict[str, str], keep_seconds: int):
        """Add one to each hash field in `counts` ({key: field}), unless `seen` (a key standing for one
        reader and story today) was set already: one round trip (EVALSHA), True when counted."""
        keys = [self.make_and_validate_key(seen) if seen else "", *map(self.make_and_validate_key, counts)]
        script = self._script("count_read", COUNT_READ)
        return bool(script(keys=keys, args=[seen_seconds, keep_seconds, *counts.values()]))

    def take_counts(self, moves: dict[str, str], registry: str) -> list[str]:
        """Rename each existing hash `key` to `moves[key]`, noting the new name in the set `registry`,
        atomically (one script): the names moved, unprefixed."""
        names = {self.make_and_validate_key(dst): dst for dst in moves.values()}
        keys = [self.make_and_validate_key(registry)]
        for src, dst in moves.items():
            keys += [self.make_and_validate_key(src), self.make_and_validate_key(dst)]
        moved = self._script("take_counts", TAKE_COUNTS)(keys=keys)
        return [names[name.decode()] for name in moved]

    def pending_counts(self, registry: str) -> list[str]:
        prefix = len(self.make_and_validate_key(""))
        members = self._cache.get_client(write=True).smembers(self.make_and_validate_key(registry))
        return [name.decode()[prefix:] for name in members]

    def read_counts(self, key: str) -> dict[str, int]:
        found = self._cache.get_client(write=True).hgetall(self.make_and_validate_key(key))
        return {field.decode(): int(value) for field, value in found.items()}

    def drop_counts(self, key: str, registry: str) -> None:
        pipe = self._cache.get_client(write=True).pipeline(transaction=True)
        pipe.delete(self.make_and_validate_key(key))
        pipe.srem(self.make_and_validate_key(registry), self.make_and_validate_key(key))
        pipe.execute()


# KEYS: the reader-today key ("" for none), then the hashes; ARGV: its seconds, the hashes' seconds, fields.
COUNT_READ = """
if KEYS[1] ~= '' and not redis.call('set', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #KEYS do
  redis.call('hincrby', KEYS[i], ARGV[i + 1], 1)
  redis.call('expire', KEYS[i], ARGV[2])
end
return 1
"""
# KEYS: the registry, then (source, destination) pairs; renames those that exist.
TAKE_COUNTS = """
local moved = {}
for i = 2, #KEYS, 2 do
  if redis.call('exists', KEYS[i]) == 1 then
    redis.call('rename', KEYS[i], KEYS[i + 1])
    redis.call('sadd', KEYS[1], KEYS[i + 1])
    moved[#moved + 1] = KEYS[i + 1]
  end
end
return moved
"""
