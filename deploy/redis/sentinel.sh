#!/bin/sh
# A Sentinel watching the Redis primary named "newsroom" (two of three must agree it is down). Sentinel
# rewrites its config file, so it gets a fresh copy on each start.
set -eu
cat > /tmp/sentinel.conf <<CONF
port 26379
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel monitor newsroom ${REDIS_PRIMARY_HOST:-redis} 6379 2
sentinel down-after-milliseconds newsroom 5000
sentinel failover-timeout newsroom 60000
sentinel parallel-syncs newsroom 1
CONF
exec redis-server /tmp/sentinel.conf --sentinel
