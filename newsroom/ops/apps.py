from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backups and restores, database creation, demo and archive seeding."""

    name = "newsroom.ops"
    label = "ops"
    verbose_name = "Operations"
