#!/bin/sh
# A streaming replica: cloned from the primary on first start (pg_basebackup -R writes standby.signal and
# primary_conninfo), then PostgreSQL in hot standby. The app reads it only past its WAL gate.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h "$PRIMARY_HOST" -p 5432 -q; do sleep 1; done
    PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U replicator \
        -D "$PGDATA" -R -X stream -c fast
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
