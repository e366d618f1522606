"""The newsroom's admin, one module per screen."""

from . import articles, desk, photos, taxonomy, trash  # noqa: F401 - registers the screens and the desk
