"""The newsroom's roles as permission sets; migrations keep the groups in step with this file."""

CONTENT_EDIT = ["add", "change", "view"]
ALL = ["add", "change", "delete", "view"]

REPORTER = {
    "articles.article": CONTENT_EDIT,
    "articles.galleryitem": ALL,
    "articles.articleauthor": ALL,
    "articles.articlesource": ALL,
    "articles.photo": CONTENT_EDIT,
    "articles.section": ["view"],
    "articles.source": ["view"],
    "articles.author": ["view"],
    "articles.storycomment": ["add", "view"],
    "articles.wireitem": ["view"],
    "articles.liveentry": ["add", "view"],
    "articles.livecoverage": ["view"],
    "taggit.tag": ["add", "view"],
    # The audit log: each reads what newsroom/audit/selectors.py allows (reporters their own rows).
    "audit.auditentry": ["view"],
}
EDITOR = {
    "audit.auditentry": ["view"],
    "articles.article": ALL + ["publish_article", "edit_published_article", "edit_others_article"],
    "articles.articleauthor": ALL,
    "articles.articlesource": ALL,
    "articles.galleryitem": ALL,
    "articles.photo": ALL,
    "articles.section": ALL,
    "articles.source": ALL,
    "articles.author": ALL,
    "articles.correction": CONTENT_EDIT,
    "articles.storycomment": ["add", "view"],
    "articles.liveentry": ALL,
    "articles.livecoverage": ALL,
    "articles.slugredirect": ["view"],
    # Old addresses (a move from WordPress, a renamed section) and the 404s readers hit.
    "articles.redirect": ALL,
    "articles.notfound": ["view", "delete"],
    "articles.sitesettings": ["change", "view"],
    # The front pages and the breaking news banner (articles/frontpage/, policy.can_arrange_front).
    "articles.frontlayout": ["arrange_front"],
    "articles.sociallink": ALL,
    "taggit.tag": ALL,
    "taggit.taggeditem": ALL,
    "articles.wirefeed": ALL,
    "articles.wireitem": ["view"],
    # Newsletters (newsroom/readers/): editors write and send them; readers' addresses are only seen.
    "readers.newsletter": ALL,
    "readers.issue": ALL,
    "readers.issueitem": ALL,
    "readers.suppression": ALL,
    "readers.reader": ["view"],
    "readers.subscription": ["view"],
    "readers.delivery": ["view"],
}
ADMINISTRATOR = {
    **EDITOR,
    "auth.user": ALL,
    "auth.group": ["view"],
    "axes.accessattempt": ["view", "delete"],
    "axes.accessfailurelog": ["view", "delete"],
    "axes.accesslog": ["view"],
    # Resetting a lost phone is deleting the user's TOTP device.
    "otp_totp.totpdevice": ["view", "delete"],
    "articles.webhooksubscription": ALL,
    "articles.webhookdelivery": ["view"],
    "django_tasks_database.dbtaskresult": ["view"],
    # Partners' keys to the read API.
    "articles.apikey": ALL,
}
ROLES = {"Reporters": REPORTER, "Editors": EDITOR, "Administrators": ADMINISTRATOR}


def sync_roles(apps=None):
    """Create the groups and set exactly the permissions above (idempotent)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in apps.get_app_configs():
        # Permissions are normally created after migrate; the groups need them now. create_permissions
        # skips apps without a models module (as migration state apps have): pretend, then put it back.
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for label, actions in spec.items():
            app_label, model = label.split(".")
            codenames = [a if "_" in a else f"{a}_{model}" for a in actions]
            perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
            wanted += perms
        group.permissions.set(wanted)


# --- Staff status follows the role ------------------------------------------------------------------


def staff_follows_roles(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Whoever is given a newsroom role may sign in to the admin; whoever loses their last role may not.

    Without this, an administrator who adds someone to Reporters leaves them unable to sign in, since
    the admin asks for is_staff, which the role alone does not set. Only changes that involve a role
    count: staff made by hand (no role) keep it when put in or taken out of other groups. Superusers
    are left alone.
    """
    if reverse:  # group.user_set.add/remove/clear(...): `instance` is the group
        if instance.name not in ROLES:
            return
        if action == "pre_clear":
            # post_clear names no one: remember who was in the group.
            instance._members_before_clear = list(instance.user_set.values_list("pk", flat=True))
        elif action in ("post_add", "post_remove"):
            _sync_staff(pk_set)
        elif action == "post_clear":
            _sync_staff(instance.__dict__.pop("_members_before_clear", []))
        return
    # user.groups.add/remove/clear(...): `instance` is the user, `model` the group class
    if action == "pre_clear":
        instance._had_role_before_clear = instance.groups.filter(name__in=list(ROLES)).exists()
    elif action in ("post_add", "post_remove"):
        if model.objects.filter(pk__in=pk_set, name__in=list(ROLES)).exists():
            _sync_staff([instance.pk], instance)
    elif action == "post_clear" and instance.__dict__.pop("_had_role_before_clear", False):
        _sync_staff([instance.pk], instance)


def _sync_staff(user_pks, instance=None) -> None:
    """is_staff = holds a role, for these users who are not superusers; `instance` is kept in step."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    User = get_user_model()
    users = User.objects.filter(pk__in=user_pks, is_superuser=False)
    for pk, is_staff, has_role in users.annotate(
        has_role=Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=list(ROLES)))
    ).values_list("pk", "is_staff", "has_role"):
        if is_staff != has_role:
            # An update, not save(): it leaves the rest of the row (and any save in progress) alone.
            User.objects.filter(pk=pk).update(is_staff=has_role)
        if instance is not None and instance.pk == pk:
            instance.is_staff = has_role


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        staff_follows_roles, sender=get_user_model().groups.through, dispatch_uid="staff-follows-roles"
    )
