"""Create the database named by DATABASE_URL if it does not exist (used by scripts/setup.sh).

`--fresh` drops it first: a throwaway database (a test's app servers) then never carries a migration
history from another checkout."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def main(argv=None) -> int:
    fresh = "--fresh" in (sys.argv[1:] if argv is None else argv)
    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    conninfo = {
        "dbname": "postgres",
        "user": cfg.get("USER") or "postgres",
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    try:
        with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
            if fresh:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(cfg["NAME"]))
                )
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
            if exists.fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
                print(f"[newsroom] created database {cfg['NAME']}", file=sys.stderr)
    except psycopg.Error as exc:
        print(f"[newsroom] {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
