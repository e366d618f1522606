"""The photo library: a picture with its caption, alt text, credit and rights."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.images.renditions import srcset

from .people import Source


class Photo(models.Model):
    class Rights(models.TextChoices):
        OWN = "own", "Our own"
        AGENCY = "agency", "Agency (licensed)"
        HANDOUT = "handout", "Handout"
        POOL = "pool", "Pool"
        SOCIAL = "social", "Social media (with permission)"
        LICENSED = "licensed", "Other licence"

    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        help_text="JPEG, PNG, WebP or GIF. Caption and credit embedded by agencies are read in.",
    )
    # As displayed, i.e. after the EXIF orientation is applied (set by services.save_photo).
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.TextField(blank=True, help_text="What the picture shows, as readers see it.")
    alt_text = models.CharField(
        max_length=250,
        help_text="Describes the image for readers who cannot see it. Required.",
    )
    credit_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        help_text='The agency credited, shown as "(Photo: Reuters)".',
    )
    credit_text = models.CharField(
        "photographer",
        max_length=120,
        blank=True,
        help_text="Free-text credit for a photographer, used when no source is chosen.",
    )
    copyright = models.CharField(max_length=200, blank=True)
    rights = models.CharField(max_length=20, choices=Rights.choices, default=Rights.OWN)
    may_redistribute = models.BooleanField(
        default=False, help_text="May this photo be syndicated to partners?"
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal focal point, 0 (left) to 1 (right); crops keep it in frame.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical focal point, 0 (top) to 1 (bottom).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_not_empty"),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_in_frame",
            ),
        ]

    def __str__(self):
        return (self.caption or self.alt_text)[:80]

    def get_absolute_url(self):
        # Originals stay private (they may carry GPS); the public face is the largest rendition.
        renditions = srcset(self)
        return renditions[-1].url if renditions else ""

    @property
    def credit(self) -> str:
        return self.credit_source.name if self.credit_source_id else self.credit_text


class HeldUpload(models.Model):
    """A photo file chosen on a form that could not be saved (a form error, storage down), kept so the
    editor need not choose it again. In the database, which every server reads, because the storage
    may be what failed; removed once used, or after a day (the scheduler)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return self.name
