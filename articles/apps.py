from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from . import offboarding, search_index, tag_slugs, textfields
        from .caching import invalidation
        from .photos import receivers
        from .public import render

        invalidation.connect()
        offboarding.connect()
        render.connect()
        search_index.connect()
        receivers.connect()
        tag_slugs.connect()
        textfields.connect()
