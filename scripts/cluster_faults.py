"""The replica's faults in scripts/cluster_test.py: its WAL replay paused and resumed, then the replica
stopped. Readers must never see a withdrawn story or miss a just-published one through any of it (the
WAL gate sends a request to the primary while the replica is behind, and the router when it is down), so
the editor's watchers keep their targets; and the replica must really have served reads before, which
its own statistics show (rows it read for the app, against the primary's).
"""

import contextlib
import time

import psycopg

WINDOWS = ("before the pause", "while paused", "after the resume")


class ReplicaFaults:
    def __init__(self, primary_port: int, replica_port: int, database: str):
        self.ports = {"primary": primary_port, "replica": replica_port}
        self.database = database
        self.marks: list[tuple[str, dict]] = []  # (moment, rows read so far on each server)

    def _sql(self, role: str, query: str):
        dsn = f"host=127.0.0.1 port={self.ports[role]} user=postgres dbname={self.database} connect_timeout=3"
        with psycopg.connect(dsn, autocommit=True) as conn:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

    def rows_read(self) -> dict:
        """Rows each server has read for the app's database so far (pg_stat_database)."""
        query = f"SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = '{self.database}'"
        found = {}
        for role in self.ports:
            with contextlib.suppress(psycopg.Error):
                found[role] = int(self._sql(role, query) or 0)
        return found

    def mark(self, moment: str) -> None:
        self.marks.append((moment, self.rows_read()))

    def pause(self, at: float) -> str:
        self.mark("pause")
        self._sql("replica", "SELECT pg_wal_replay_pause()")
        return f"{at:5.1f} s  replica's WAL replay paused"

    def resume(self, at: float) -> str:
        self.mark("resume")
        self._sql("replica", "SELECT pg_wal_replay_resume()")
        return f"{at:5.1f} s  replica's WAL replay resumed"

    def stop(self, at: float, replica) -> str:
        self.mark("stop")
        replica.stop("immediate")
        return f"{at:5.1f} s  replica stopped (immediate)"

    def shares(self) -> list[tuple[str, float, int]]:
        """(window, the replica's share of rows read in it, rows it read) for each window between marks."""
        out = []
        for (_, before), (_, after), name in zip(self.marks, self.marks[1:], WINDOWS, strict=False):
            delta = {role: after.get(role, 0) - before.get(role, 0) for role in self.ports}
            total = max(1, delta["primary"] + delta["replica"])
            out.append((name, delta["replica"] / total, delta["replica"]))
        return out

    def served_before_pause(self) -> bool:
        """The replica read a real share of the app's rows before its faults: it serves, not idles."""
        windows = self.shares()
        return bool(windows) and windows[0][1] >= 0.10


def wait_replayed(faults: ReplicaFaults, timeout: float = 10) -> None:
    """After a resume: wait until the replica has caught up (so the next fault starts from a clean state)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(psycopg.Error):
            if faults._sql("replica", "SELECT pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()"):
                return
        time.sleep(0.1)
