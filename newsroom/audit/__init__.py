"""The audit log: `record()` one row per change, by whoever `acting()` or the request says is acting.

`from newsroom import audit; audit.record(...)`. The names load on first use: this package is imported
while apps load (INSTALLED_APPS), before its model may be.
"""

_NAMES = {
    "acting": "context",
    "record": "log",
    "record_many": "log",
    "diff": "log",
    "Scope": "log",
    "fields_of": "log",
}


def __getattr__(name):
    if name not in _NAMES:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
