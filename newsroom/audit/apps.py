from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AuditConfig(AppConfig):
    default = True
    """The append-only, hash-chained log of every change (newsroom/audit/log.py writes it)."""

    name = "newsroom.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from . import signin

        signin.connect()


class AuditedAdminConfig(admin_apps.AdminConfig):
    """Django's admin with a site whose every ModelAdmin writes its changes to the audit log."""

    default = False
    default_site = "newsroom.audit.admin_site.AuditedAdminSite"
