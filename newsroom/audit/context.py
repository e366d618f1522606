"""Who is acting: the request's user (and address) or a machine, for every row the services write.

The middleware sets it for each request; the worker, the wire ingest and commands say who they are with
`acting(system=...)`. With nothing set (a shell, a command that does not say), the row names the
process's command line, so no row is ever anonymous.
"""

import contextlib
import contextvars
import sys

from newsroom.proxies import client_ip


class Actor:
    """A user, an API key or a machine, with the request's address and browser where there is one."""

    def __init__(self, *, user=None, api_key=None, system="", ip=None, user_agent="", request=None):
        self._user, self._api_key, self.system = user, api_key, system
        self.ip, self.user_agent, self.request = ip, user_agent, request
        # (object_type, object_id) already logged in this request: the admin's generic hook skips them.
        self.logged: set = request.audit_logged if request is not None else set()

    @property
    def user(self):
        # A request's user is read when the row is written: signing in changes it mid-request.
        return getattr(self.request, "user", None) if self.request is not None else self._user

    @property
    def api_key(self):
        return getattr(self.request, "api_key", None) if self.request is not None else self._api_key

    @property
    def user_id(self):
        user = self.user
        return user.pk if user is not None and getattr(user, "is_authenticated", False) else None

    @property
    def label(self) -> str:
        if self.user_id is not None:
            return f"{self.user.get_username()} (user {self.user_id})"[:200]
        if self.api_key is not None:
            return f"API key {self.api_key}"[:200]
        if self.system:
            return f"system: {self.system}"[:200]
        return "anonymous"


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def current() -> Actor:
    actor = _current.get()
    if actor is None:
        command = " ".join(arg.rsplit("/", 1)[-1] for arg in sys.argv[:2]) or "python"
        actor = Actor(system=command)
    return actor


@contextlib.contextmanager
def acting(*, user=None, api_key=None, system: str = ""):
    """Rows written inside are by `user`, `api_key` or `system`, keeping the request's address if any."""
    outer = _current.get()
    actor = Actor(user=user, api_key=api_key, system=system)
    if outer is not None:
        actor.ip, actor.user_agent, actor.logged = outer.ip, outer.user_agent, outer.logged
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def for_request(request) -> Actor:
    request.audit_logged = set()
    return Actor(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        request=request,
    )


class AuditContextMiddleware:
    """Every row written while a request is served names its user, address and browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(for_request(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
