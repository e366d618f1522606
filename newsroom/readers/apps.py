from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "newsroom.readers"
    label = "readers"
    verbose_name = "Readers and newsletters"
    default_auto_field = "django.db.models.BigAutoField"
