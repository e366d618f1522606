"""The one publication rule, as a QuerySet, a Q and SQL, and "a section's stories"."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

# A story is readable when its status is published, its publish time has come and it is not in the trash.
# The QuerySet method, the Q and the SQL below are the same rule for the ORM, for a related lookup
# ("article__"), for hand-written SQL, and for one row already read (readable).


def readable(*, status, published_at, deleted_at, at=None) -> bool:
    """The rule for one row's values, already read (the article page reads only a few columns)."""
    return (
        status == "published"
        and deleted_at is None
        and published_at is not None
        and published_at <= (at or timezone.now())
    )


def published_q(at=None, *, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": "published",
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


def published_sql(alias: str, at_param: str) -> str:
    """The rule as SQL over `alias`, comparing with the named parameter `at_param` (the time)."""
    return (
        f"{alias}.status = 'published' AND {alias}.deleted_at IS NULL "
        f"AND {alias}.published_at <= %({at_param})s"
    )


# Everything readers see of a story as one digest: a change to any of it is a change they can see.
VISIBLE_DIGEST_SQL = """md5(concat_ws(E'\\x1f',
    a.headline, a.slug, a.standfirst, a.body, a.section_id, a.lead_photo_id, a.seo_title, a.meta_description,
    (SELECT string_agg(x.author_id::text, ',' ORDER BY x."order", x.id)
     FROM articles_articleauthor x WHERE x.article_id = a.id),
    (SELECT string_agg(x.source_id::text, ',' ORDER BY x."order", x.id)
     FROM articles_articlesource x WHERE x.article_id = a.id),
    (SELECT string_agg(t.name, ',' ORDER BY t.name)
     FROM taggit_taggeditem x JOIN taggit_tag t ON t.id = x.tag_id
     JOIN django_content_type ct ON ct.id = x.content_type_id
     WHERE x.object_id = a.id AND ct.app_label = 'articles' AND ct.model = 'article'),
    (SELECT string_agg(x.photo_id::text || ':' || x.caption, ',' ORDER BY x."order", x.id)
     FROM articles_galleryitem x WHERE x.article_id = a.id),
    (SELECT string_agg(x.kind || ':' || x.text, ',' ORDER BY x.id)
     FROM articles_correction x WHERE x.article_id = a.id)
))"""


def section_q(section, *, prefix: str = "") -> Q:
    """A section's stories: a top-level section's include its sub-sections' (the section page, its feed,
    search and sitemap alike). For a Section row, the one indexed column that answers; for an OuterRef,
    either column."""
    if isinstance(section, models.Model):
        field = "section" if section.parent_id else "top_section"
        return Q(**{f"{prefix}{field}": section})
    return Q(**{f"{prefix}section": section}) | Q(**{f"{prefix}top_section": section})


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Not in the trash."""
        return self.filter(deleted_at__isnull=True)

    def published(self, at=None):
        """Readers see these: the publication rule."""
        return self.filter(published_q(at))

    def scheduled(self):
        """Published status with a publish time still to come: they go live by themselves."""
        return self.live().filter(status="published", published_at__gt=timezone.now())

    def in_section(self, section):
        return self.filter(section_q(section))

    def for_listing(self):
        """What a card needs, in a constant number of queries."""
        return self.select_related("section", "lead_photo", "lead_photo__credit_source").only(
            "id", "headline", "slug", "standfirst", "published_at", "updated_at", "status",
            "section__name", "section__slug",
            "lead_photo__image", "lead_photo__width", "lead_photo__height",
            "lead_photo__alt_text", "lead_photo__focal_x", "lead_photo__focal_y",
            "lead_photo__caption", "lead_photo__credit_text",
            "lead_photo__credit_source__name",
        )  # fmt: skip
