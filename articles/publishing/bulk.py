"""New stories that are already published, written in bulk: an archive moving in (the WordPress import).

The rules of editing.save_edit and workflow.publish for a story created and published at once, applied to
a batch in a dozen queries instead of some ninety a story: who may publish, a free slug, a headline and a
section, credited photos, the fields cleaned as every save cleans them. Each story still gets its first
revision, its publish transition, its audit row, its search document and its webhook event; the caches
are superseded once the batch commits (bulk inserts send no signals).

Only for new stories going live at a time already past: an update, a schedule or a draft goes through
save_edit and the workflow one by one.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import search
from articles.caching import invalidation
from articles.models import Article, ArticleAuthor, Photo, Revision, Section, SlugRedirect, Transition
from articles.models.webhooks import Event
from articles.webhooks import events
from newsroom import audit

from . import notifications
from .history import story_changes
from .policy import can_publish, require
from .revisions import snapshot_of
from .workflow import credit_problems

Status = Article.Status


@dataclass
class NewStory:
    """An unsaved story (headline, slug, standfirst, body, section, lead photo, published_at), its parts."""

    article: Article
    tags: list[str] = field(default_factory=list)
    authors: list = field(default_factory=list)  # Author rows, in byline order
    note: str = ""


class BatchRefused(ValidationError):
    """Some stories of the batch break a rule; `problems` maps their index to the messages. Nothing of
    the batch was written: the caller can write the others, or each alone to learn which fails."""

    def __init__(self, problems: dict[int, list[str]]):
        self.problems = problems
        super().__init__([f"story {n + 1}: {' '.join(m)}" for n, m in sorted(problems.items())])


def problems(stories: list[NewStory]) -> dict[int, list[str]]:
    """Why stories of the batch cannot be published, by index (four queries whatever the batch)."""
    found: dict[int, list[str]] = {}
    now = timezone.now()
    slugs = [s.article.slug for s in stories]
    taken = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken |= set(SlugRedirect.objects.filter(old_slug__in=slugs).values_list("old_slug", flat=True))
    leads = {s.article.lead_photo_id for s in stories if s.article.lead_photo_id}
    photos = Photo.objects.select_related("credit_source").in_bulk(leads)
    seen = set()
    for n, story in enumerate(stories):
        article, messages = story.article, []
        if not article.slug or article.slug in taken or article.slug in seen:
            messages.append(f"Another story already has the slug “{article.slug}”.")
        seen.add(article.slug)
        if not article.headline.strip() or not article.section_id:
            messages.append("A story needs a headline and a section before it can be published.")
        if article.published_at is None or article.published_at > now:
            messages.append("Only a story published at a time already past is written in bulk.")
        if article.lead_photo_id:
            lead = photos.get(article.lead_photo_id)
            messages += credit_problems(lead=lead) if lead else ["Its lead photo does not exist."]
        if messages:
            found[n] = messages
    return found


@transaction.atomic
def publish_new(stories: list[NewStory], *, user) -> list[Article]:
    """Write `stories` as published, all or none. Raises PermissionDenied or BatchRefused."""
    require(can_publish(user), "Only editors can publish or schedule stories.")
    if not stories:
        return []
    if refused := problems(stories):
        raise BatchRefused(refused)
    now = timezone.now()
    sections = Section.objects.in_bulk({s.article.section_id for s in stories})
    parents = {pk: section.parent_id for pk, section in sections.items()}
    articles = []
    for story in stories:
        article = story.article
        article.section = sections[article.section_id]  # kept: its address needs the section's slug
        article.normalise(parents)
        article.status, article.version = Status.PUBLISHED, 1
        article.created_by = article.created_by or user
        article.updated_by = user
        articles.append(article)
    Article.objects.bulk_create(articles)
    tags = _tags([name for story in stories for name in story.tags])
    kind = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=kind, object_id=story.article.pk, tag=tags[name.lower()])
        for story in stories
        for name in _unique(story.tags)
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=story.article, author_id=author_id, order=order)
        for story in stories
        for order, author_id in enumerate(_bylines(story))
    )
    revisions = [
        Revision(
            article=story.article,
            version=1,
            user=user,
            created_at=now,
            note=(story.note or "Created and published")[:200],
            data=snapshot_of(
                story.article,
                tags=[tags[name.lower()].name for name in _unique(story.tags)],
                authors=_bylines(story),
            ),
        )
        for story in stories
    ]
    Revision.objects.bulk_create(revisions)
    Transition.objects.bulk_create(
        Transition(
            article=a, from_status=Status.DRAFT, to_status=Status.PUBLISHED, action="publish", user=user
        )
        for a in articles
    )
    audit.record_many("article.create", [(r.article, story_changes({}, r.data), r.note) for r in revisions])
    search.update_search_vectors([a.pk for a in articles])
    for article in articles:
        article._loaded_slug = article.slug
        notifications.published(article=article, by=user)
    events.story_events(articles, Event.PUBLISHED)
    if not invalidation.holding():
        transaction.on_commit(invalidation.supersede_all)
    return articles


def _bylines(story: NewStory) -> list[int]:
    return list(dict.fromkeys(author.pk for author in story.authors))


def _unique(names: list[str]) -> list[str]:
    """Names once each, the first spelling kept (taggit matches names case-insensitively here)."""
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(name.lower(), name)
    return list(kept.values())


def _tags(names: list[str]) -> dict[str, Tag]:
    """Tags by lower-cased name, made where missing."""
    wanted = {name.lower(): name for name in _unique(names)}
    found = {
        tag.lowered: tag
        for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted))
    }
    for lowered, name in wanted.items():
        if lowered not in found:
            found[lowered] = Tag.objects.create(name=name)
    return found
