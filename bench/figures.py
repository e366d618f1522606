"""What a bench run measures (Target) and what it found for each (Result)."""

from dataclasses import dataclass

FLOOR = "/__floor__/"
WALK = "cold archive walk"


@dataclass
class Target:
    name: str
    path: str
    cached: bool = True  # measured a second time, with the page cache on
    staff: bool = False  # sent with a superuser's session cookie
    note: str = ""


@dataclass
class Result:
    name: str
    path: str
    mode: str
    rps: float | None = None
    ratio: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    requests: int | None = None
    kb: float | None = None
    note: str = ""
