"""The newsroom's people and sources: sections, the outlets and agencies stories credit, and bylines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.routing import route

# Top-level URL paths that are not sections.
RESERVED_SLUGS = {
    "admin", "author", "tag", "search", "feeds", "feed", "rss", "static", "media", "sitemap",
    "corrections", "corrections-policy", "preview", "robots.txt", "sitemap.xml", "api",
}  # fmt: skip


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Part of every article URL.")
    description = models.TextField(blank=True, help_text="Shown on the section page and in feeds.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Optional parent (one level: World > Europe). The parent's page lists both.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the navigation.")
    show_in_nav = models.BooleanField("show in navigation", default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="section_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        moved = self.pk is not None and getattr(self, "_loaded_parent_id", self.parent_id) != self.parent_id
        super().save(*args, **kwargs)
        if moved:
            # Under another parent (or out from under one): its stories follow it. Only then: reordering
            # the navigation saves every section.
            self.articles.update(top_section_id=self.parent_id or self.pk)
        self._loaded_parent_id = self.parent_id

    def get_absolute_url(self):
        return route("articles:section", slug=self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_parent_id = instance.__dict__.get("parent_id")
        return instance

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved for the site's own pages."})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A section cannot be its own parent."})
            if self.parent.parent_id:
                raise ValidationError({"parent": "Sections nest one level only."})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": "This section has sub-sections of its own."})


class Source(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", "News agency"
        OUTLET = "outlet", "News outlet"
        ORGANISATION = "organisation", "Organisation"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    url = models.URLField("homepage URL", blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OUTLET)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.url or reverse("articles:home")


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account behind this byline, if any.",
    )
    is_agency = models.BooleanField(
        default=False, help_text='A wire byline such as "Reuters staff" rather than a person.'
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})
