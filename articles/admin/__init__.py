"""The newsroom's admin, one module per screen."""

from . import articles, photos, taxonomy, trash  # noqa: F401 - registers the screens
