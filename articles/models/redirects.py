"""Old addresses that keep working: redirects (made by an import, a CSV or an editor) and the 404s readers
hit, so an editor can see what is missing and make a redirect for it."""

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

PATH_MAX = 500
# WordPress's own query-string addresses (`/?p=4812`): these alone are kept from a query string.
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "feed", "paged")


def normalise(address: str) -> str:
    """The form an old address is stored and looked up in: the path decoded, without the host or a
    trailing slash, and of the query string only WordPress's keys, sorted (`/?p=12`)."""
    parts = urlsplit(address.strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in QUERY_KEYS)
    return f"{path}?{urlencode(query)}" if query else path


class Redirect(models.Model):
    class Origin(models.TextChoices):
        EDITOR = "editor", "added in the admin"
        CSV = "csv", "CSV import"
        WORDPRESS = "wordpress", "WordPress import"

    old_path = models.CharField(
        "old address",
        max_length=PATH_MAX,
        unique=True,
        help_text="The address readers arrive at, from the site's root: /2019/05/12/council-votes/ or /?p=4.",
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A story: readers go to its current address, whatever its slug or section becomes.",
    )
    to_url = models.CharField(
        "new address",
        max_length=PATH_MAX,
        blank=True,
        help_text="Or any address: a path on this site (/politics/) or a full URL.",
    )
    permanent = models.BooleanField(
        default=True, help_text="301 (search engines move the old address's standing here); off: 302."
    )
    note = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    hits = models.PositiveIntegerField(default=0, editable=False)
    last_hit_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | ~Q(to_url=""), name="redirect_has_a_target"
            ),
        ]

    def __str__(self):
        return self.old_path

    def target(self) -> str:
        return self.article.get_absolute_url() if self.article_id else self.to_url

    def clean(self):
        self.old_path = normalise(self.old_path) if self.old_path else self.old_path
        if not self.article_id and not self.to_url.strip():
            raise ValidationError({"to_url": "Choose a story or give the new address."})
        target = self.to_url.strip()
        if target and not target.startswith(("/", "http://", "https://")):
            raise ValidationError({"to_url": "Give a path from the site's root (/politics/) or a full URL."})
        if target.startswith("/") and normalise(target) == self.old_path:
            raise ValidationError({"to_url": "A redirect to its own address would loop."})


class NotFound(models.Model):
    """A path readers asked for that answered 404: one row per path, counted."""

    path = models.CharField(max_length=PATH_MAX, unique=True)
    hits = models.PositiveIntegerField(default=1)
    referrer = models.CharField(max_length=PATH_MAX, blank=True, help_text="The last page that linked here.")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "404 readers hit"
        verbose_name_plural = "404s readers hit"
        ordering = ["-hits"]
        indexes = [models.Index(fields=["-hits"], name="notfound_hits")]

    def __str__(self):
        return self.path
