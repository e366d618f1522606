"""The user admin: administrators manage accounts and roles."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import (
    notification_settings,  # noqa: F401 - registers everyone's own notification settings page
    offboarding,
    sso,
)

admin.site.unregister(User)
admin.site.unregister(TOTPDevice)

STAFF_HELP = (
    "Follows the role: set when the user is given a role (Reporters, Editors, Administrators), cleared "
    "when they lose the last one. Only a superuser can set it by hand, for an account without a role."
)


ACTIVE_HELP = (
    "Unticking it deactivates the account at once: their sessions end, the API keys they issued are "
    "revoked, their preview links stop working and their edit locks are released. Stories stay."
)


class NewsroomUserChangeForm(UserChangeForm):
    current_user_pk = None  # set per request by the admin (get_form)

    class Meta(UserChangeForm.Meta):
        # Meta, not the field: the admin reads it for the read-only display too.
        help_texts = {"is_staff": STAFF_HELP, "is_active": ACTIVE_HELP}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_active") is False and self.instance.pk == self.current_user_pk:
            self.add_error("is_active", "You cannot deactivate your own account.")
        return cleaned


class LoginForm(AdminAuthenticationForm):
    """The admin's password form, saying why a password is refused in SSO_ONLY mode (the refusal itself
    is the backend's, sso.PasswordBackend)."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if settings.SSO_ONLY and not sso.is_break_glass(self.cleaned_data.get("username")):
                raise forms.ValidationError(
                    f"Passwords are switched off here: use “Sign in with {sso.provider_name()}”.",
                    code="sso_only",
                ) from None
            raise


admin.site.login_form = LoginForm


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Administrators manage accounts and roles; only a superuser can grant superuser or raw permissions."""

    form = NewsroomUserChangeForm
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff", "roles"]
    list_filter = ["is_active", "is_staff", "groups"]
    actions = ["deactivate_everywhere"]

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.current_user_pk = request.user.pk  # a class made for this request
        return form

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and not obj.is_active:
            # First, so the service sees the account as it was; the form's save then writes the rest.
            offboarding.deactivate(user=obj, by=request.user, reason="“Active” unticked in the user admin")
        super().save_model(request, obj, form, change)

    @admin.action(description="Deactivate and sign out everywhere", permissions=["change"])
    def deactivate_everywhere(self, request, queryset):
        done = []
        for user in queryset:
            if not self.has_change_permission(request, user) or user.pk == request.user.pk:
                self.message_user(
                    request, f"{user} was left as they are: not yours to deactivate.", messages.ERROR
                )
                continue
            done.append(
                offboarding.deactivate(user=user, by=request.user, reason="Deactivated from the user admin")
            )
        for result in done:
            self.message_user(request, f"{result.user} is deactivated: {result.summary()}.", messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Staff status follows the role (accounts/roles.py): an unticked box must not undo a role.
            readonly += ["is_superuser", "user_permissions", "is_staff"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # A superuser's account is out of reach of anyone who is not one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TOTPDevice)
class NewsroomTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Administrators reset a lost phone by deleting its device, but never a superuser's: removing it
    would let whoever has the superuser's password in without a code."""

    def audit_subject(self, obj):
        return obj.user

    @staticmethod
    def _out_of_reach(request, obj) -> bool:
        return obj is not None and obj.user.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action already refuses a selection with one in it; never delete one regardless.
        if not request.user.is_superuser:
            queryset = queryset.exclude(user__is_superuser=True)
        super().delete_queryset(request, queryset)
