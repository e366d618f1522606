from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in, two-factor, the newsroom's roles and the user admin."""

    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles, sessions

        # After every migrate (and test database flush), so the groups always match roles.py.
        post_migrate.connect(
            lambda **kwargs: roles.sync_roles(), sender=self, dispatch_uid="accounts-sync-roles", weak=False
        )
        roles.connect()
        sessions.connect()
