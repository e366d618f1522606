"""The user admin: administrators manage accounts and roles."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import notification_settings  # noqa: F401 - registers everyone's own notification settings page

admin.site.unregister(User)
admin.site.unregister(TOTPDevice)

STAFF_HELP = (
    "Follows the role: set when the user is given a role (Reporters, Editors, Administrators), cleared "
    "when they lose the last one. Only a superuser can set it by hand, for an account without a role."
)


class NewsroomUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        # Meta, not the field: the admin reads it for the read-only display too.
        help_texts = {"is_staff": STAFF_HELP}


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Administrators manage accounts and roles; only a superuser can grant superuser or raw permissions."""

    form = NewsroomUserChangeForm
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff", "roles"]
    list_filter = ["is_active", "is_staff", "groups"]

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

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
