"""Each member of staff's own email settings, as a page of the admin (Accounts › Notification settings).

There is no list of everyone's settings and nobody changes anyone else's: the page is always the signed-in
user's own. The emails themselves are articles/publishing/notifications.py's.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import services
from .models import NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    def get_urls(self):
        view = self.admin_site.admin_view(self.own_settings_view)
        # The name Django's index links a model by: the page is where the list would be.
        return [path("", view, name="accounts_notificationsettings_changelist")]

    def _own(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._own(request)

    def has_view_permission(self, request, obj=None):
        return self._own(request) and (obj is None or obj.user_id == request.user.pk)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def own_settings_view(self, request):
        user = request.user
        row = NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)
        form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=row)
        if form.is_valid():
            on = form.cleaned_data["email"]
            services.set_email(user=user, on=on)
            self.message_user(request, f"Email notifications are {'on' if on else 'off'}.", messages.SUCCESS)
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "Email notifications",
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/accounts/notifications.html", context)
