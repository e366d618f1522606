"""The newsroom's admin, one module per screen."""

from . import apikeys, articles, desk, frontpage, photos, redirects, taxonomy, trash, webhooks, wire  # noqa: F401 - the screens
