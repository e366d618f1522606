"""The audit log screen: filters, search and keyset pages; rows are read-only to everyone."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from . import selectors
from .models import AuditEntry


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class LogFilters(forms.Form):
    user = forms.CharField(required=False, label="Who", help_text="A username")
    action = forms.CharField(required=False, help_text='Exact ("article.publish") or a start ("article.")')
    object_type = forms.CharField(required=False, label="Object type", help_text="articles.article")
    object_id = forms.CharField(required=False, label="Object id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, label="Search", help_text="In the object's name and the summary")
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“Since” is after “until”: swap them.")
        return data

    def filter(self, queryset):
        data = self.cleaned_data
        if data["user"]:
            user = get_user_model().objects.filter(username=data["user"]).first()
            queryset = queryset.filter(actor_id=user.pk if user else None).exclude(actor_id=None)
        if data["action"]:
            action = data["action"]
            queryset = (
                queryset.filter(action__startswith=action)
                if action.endswith(".")
                else queryset.filter(action=action)
            )
        if data["object_type"]:
            queryset = queryset.filter(object_type=data["object_type"].lower())
        if data["object_id"]:
            queryset = queryset.filter(object_id=data["object_id"])
        if data["since"]:
            queryset = queryset.filter(at__gte=_midnight(data["since"]))
        if data["until"]:
            queryset = queryset.filter(at__lt=_midnight(data["until"] + timedelta(days=1)))
        if data["q"]:
            queryset = queryset.filter(Q(object_label__icontains=data["q"]) | Q(summary__icontains=data["q"]))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.visible_to(request.user, super().get_queryset(request)).select_related("actor")

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        filters = LogFilters(request.GET or None)
        rows, next_before = [], None
        if filters.is_bound and not filters.is_valid():
            status = 400
        else:
            status = 200
            if not filters.is_bound:
                filters = LogFilters({})
                filters.is_valid()
            queryset = filters.filter(self.get_queryset(request))
            rows, next_before = selectors.page(
                queryset, before=filters.cleaned_data.get("before"), searching=bool(filters.cleaned_data["q"])
            )
        query = request.GET.copy()
        query.pop("before", None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Audit log",
            "opts": self.model._meta,
            "filters": filters,
            "rows": rows,
            "next_query": f"{query.urlencode()}&before={next_before}".lstrip("&") if next_before else "",
            "first_query": query.urlencode(),
            "paged": bool(request.GET.get("before")),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/audit/auditentry/change_list.html", context, status=status)
