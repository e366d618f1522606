from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper


class AuditEntry(models.Model):
    """One change by a person or a machine. Append-only: the database refuses UPDATE and DELETE
    (migration 0001's trigger), and each row's hash covers its content and the previous row's hash."""

    class Scope(models.TextChoices):
        # Editors see the content log; accounts, keys, webhooks and sign-ins are for administrators.
        CONTENT = "content", "Content"
        SECURITY = "security", "Accounts and security"

    at = models.DateTimeField(db_index=True)
    # No foreign keys that the database would enforce: deleting a user or a key must not touch the log
    # (the trigger would refuse), and the label keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    api_key_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, help_text='A user, an API key, or "system: wire feed X".')
    action = models.CharField(max_length=60, help_text='What happened, as "object.verb": article.publish.')
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.CONTENT)
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True, help_text="Kept after the object is deleted.")
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}, no secrets.")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Set once, when the row is sealed into the chain after its transaction commits (chain.seal).
    seq = models.BigIntegerField(null=True, blank=True, unique=True, help_text="Its place in the chain.")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [
            # Keyset pages (ORDER BY id DESC) under each filter the log screen offers.
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object"),
            models.Index(fields=["actor", "-id"], name="audit_actor"),
            models.Index(fields=["action", "-id"], name="audit_action"),
            models.Index(fields=["scope", "-id"], name="audit_scope"),
            # The sealer's question after every commit: which rows are not in the chain yet.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
            # The screen's search (icontains: UPPER(column) LIKE UPPER('%word%')) at a million rows.
            GinIndex(OpClass(Upper("object_label"), name="gin_trgm_ops"), name="audit_label_trgm"),
            GinIndex(OpClass(Upper("summary"), name="gin_trgm_ops"), name="audit_summary_trgm"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_label}".strip()

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("admin:audit_auditentry_changelist") + f"?before={self.pk + 1}"
