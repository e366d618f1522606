"""The admin site whose every ModelAdmin logs what it changes: one hook for every screen, ours and the
libraries' (tags, sign-in lockouts, 2FA devices, groups), in the admin's own transaction.

Where a screen saves through a service that writes its own row (a story's save_edit), the service's row
stands and this hook stands down (log.record's skip_if_logged)."""

from django.contrib import admin
from django.db import router, transaction
from django.db.models import Model

from . import log


def _value(value):
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple) and value and isinstance(value[0], Model):
        return sorted(str(item) for item in value)
    return value


def form_changes(form, formsets=(), *, add=False) -> dict:
    """{field: [before, after]} for the fields the form changed, plus a line per inline row changed.
    Called after the save: the form's initial data is what the object was."""
    changes = {}
    before = {} if add else form.initial
    for name in form.changed_data:
        after = form.cleaned_data.get(name)
        if hasattr(after, "all") and hasattr(after, "model"):  # a queryset (many-to-many)
            after = list(after)
        changes[name] = log.masked(name, _value(before.get(name)), _value(after))
    for formset in formsets or ():
        # Only a saved formset has these (a live story's pending changes are kept, not saved).
        rows = [f"added {obj}" for obj in getattr(formset, "new_objects", ())]
        rows += [f"changed {obj}" for obj, _ in getattr(formset, "changed_objects", ())]
        rows += [f"deleted {obj}" for obj in getattr(formset, "deleted_objects", ())]
        if rows:
            changes[formset.prefix] = [None, rows]
    return changes


def _scope(model):
    security = {"auth", "accounts", "axes", "otp_totp", "django_tasks_database"}
    if model._meta.app_label in security or model._meta.model_name in {"apikey", "webhooksubscription"}:
        return log.Scope.SECURITY
    return log.Scope.CONTENT


class AuditedModelAdmin:
    """Mixed in ahead of each ModelAdmin. A ModelAdmin may define `audit_subject(obj)`: what a row about
    `obj` is filed under (a user's 2FA device: the user, so it shows in the user's history)."""

    def construct_change_message(self, request, form, formsets, add=False):
        request.audit_changes = form_changes(form, formsets, add=add)
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, verb, changes=None):
        changes = changes if changes is not None else getattr(request, "audit_changes", {})
        if verb == "update" and not changes:
            return  # "Save" with nothing changed: no change to log
        log.record(
            f"{obj._meta.model_name}.{verb}",
            obj=getattr(self, "audit_subject", lambda obj: obj)(obj),
            changes=changes,
            scope=_scope(type(obj)),
            skip_if_logged=True,
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "create")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, "update")
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._audit(request, obj, "delete", changes=log.diff(log.fields_of(obj), {}))
        return entries

    def response_action(self, request, *args, **kwargs):
        # A bulk action's changes and their rows commit together, or neither does.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, *args, **kwargs)


class AuditedAdminSite(admin.AdminSite):
    def password_change(self, request, extra_context=None):
        # Not a ModelAdmin screen: a member of staff changing their own password.
        with transaction.atomic():
            response = super().password_change(request, extra_context)
            if request.method == "POST" and response.status_code == 302:
                log.record(
                    "user.password_change",
                    obj=request.user,
                    scope=log.Scope.SECURITY,
                    changes={"password": [log.MASK, log.MASK]},
                    summary="Changed their own password",
                )
        return response

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(admin_class.__name__, (AuditedModelAdmin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
