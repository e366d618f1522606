"""Front layouts and the breaking news banner. Relations to the story are strings: the story's modules
never import this one, nor this one them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

# The home page's top area: the lead and the stories beside it. A section's front: its lead and a few.
HOME_STORIES = 9
SECTION_STORIES = 5


class FrontLayout(models.Model):
    """How one front page (the home page, or a section's) looks from `live_from` on.

    Readers see the newest layout whose time has come: saving it puts it live, and a layout with a later
    time waits for it (the 6:00 front prepared the night before) without anything having to run.
    """

    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="front_layouts",
        verbose_name="page",
        help_text="Leave empty for the home page, or choose the section whose front this is.",
    )
    live_from = models.DateTimeField(
        "in force from",
        default=timezone.now,
        help_text="Readers see the newest layout whose time has come. A later time prepares a front "
        "that takes over by itself (use “Save as new” on the current one to start from it).",
    )
    note = models.CharField(max_length=120, blank=True, help_text="For the desk only, e.g. “Morning front”.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["-live_from", "-id"]
        get_latest_by = "live_from"
        verbose_name = "front page layout"
        # The unique index also finds the layout in force: (page, live_from <= now) read backwards.
        constraints = [
            models.UniqueConstraint(
                fields=["section", "live_from"],
                nulls_distinct=False,
                name="front_layout_one_per_time",
                violation_error_message="This page already has a layout starting at that time.",
            )
        ]
        permissions = [("arrange_front", "Can arrange the front pages and the breaking news banner")]

    def __str__(self):
        when = timezone.localtime(self.live_from).strftime("%d %b %Y %H:%M") if self.live_from else "—"
        return f"{self.page_name} from {when}"

    def get_absolute_url(self):
        return self.section.get_absolute_url() if self.section_id else reverse("articles:home")

    @property
    def page_name(self) -> str:
        return f"{self.section.name} front" if self.section_id else "Home page"

    @property
    def capacity(self) -> int:
        return SECTION_STORIES if self.section_id else HOME_STORIES


class FrontStory(models.Model):
    """A story an editor put on a front, at `position` (1 is the lead). Kept when the story leaves
    publication: readers stop seeing it at once, and see it again if it is published again."""

    layout = models.ForeignKey(FrontLayout, on_delete=models.CASCADE, related_name="stories")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="front_slots")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "story on the front"
        verbose_name_plural = "stories on the front"
        indexes = [models.Index(fields=["layout", "position"], name="front_story_layout_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["layout", "article"],
                name="front_story_once",
                violation_error_message="A story can be on a front only once.",
            )
        ]

    def __str__(self):
        # The row's title in the admin, which the move buttons reorder: no number that would go stale.
        return str(self.article)


class FrontSection(models.Model):
    """A section block on the home page, at `position`; the home page shows the blocks of its layout in
    their order (without any, every section in the navigation, in its order)."""

    layout = models.ForeignKey(FrontLayout, on_delete=models.CASCADE, related_name="sections")
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.CASCADE,
        related_name="front_blocks",
        limit_choices_to={"parent__isnull": True},
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "section block"
        verbose_name_plural = "section blocks on the home page"
        constraints = [
            models.UniqueConstraint(
                fields=["layout", "section"],
                name="front_section_once",
                violation_error_message="A section can follow only once.",
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.section}"


def validate_link(value: str) -> None:
    """A web address, or a path on this site (/world/some-story/)."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"], message="Enter a web address (https://…) or a path (/…).")(value)


class BannerQuerySet(models.QuerySet):
    def showing(self, at=None):
        """Not cleared and not expired at `at` (now): at most one, since a new banner clears the rest."""
        at = at or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at), cleared_at__isnull=True)


class BreakingBanner(models.Model):
    """A short line shown above every public page until it expires or an editor clears it."""

    text = models.CharField(max_length=160, help_text="One short line, e.g. “Polls close in two hours”.")
    link = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text="Optional: where the line leads, a story's path (/world/…) or a web address.",
    )
    expires_at = models.DateTimeField(
        "expires",
        null=True,
        blank=True,
        help_text="Optional: the banner disappears by itself at this time. Empty: until cleared.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True, editable=False)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = "breaking news banner"
        indexes = [
            models.Index(
                fields=["-created_at"], name="banner_showing_idx", condition=Q(cleared_at__isnull=True)
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="banner_text_not_empty")
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.link or reverse("articles:home")

    def clean(self):
        if self.expires_at and self.expires_at <= timezone.now() and self.cleared_at is None:
            raise ValidationError({"expires_at": "That time has passed: readers would never see the banner."})

    @property
    def state(self) -> str:
        if self.cleared_at:
            return "Cleared"
        if self.expires_at and self.expires_at <= timezone.now():
            return "Expired"
        return "Showing"


def next_change(now=None):
    """The next time a front changes by itself (a scheduled layout takes over, the banner expires), or
    None: the page cache supersedes its pages then (caching/edge.py, caching/pagecache.py)."""
    now = now or timezone.now()
    layout = FrontLayout.objects.filter(live_from__gt=now).aggregate(at=Min("live_from"))["at"]
    banner = BreakingBanner.objects.showing(now).aggregate(at=Min("expires_at"))["at"]
    return min((at for at in (layout, banner) if at is not None), default=None)
