from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .roles import sync_roles

        # Also after every migrate (and test database flush), so the groups always match roles.py.
        post_migrate.connect(
            lambda **kwargs: sync_roles(), sender=self, dispatch_uid="articles-sync-roles", weak=False
        )
