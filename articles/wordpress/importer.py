"""A WordPress export brought in, through the services every writer uses (editing.save_edit, the workflow,
the photo service), in three streamed passes: the whole file checked first (a broken file writes
nothing; a dry run stops here), then authors, terms and attachments, then posts. Each item is one
transaction with its match in WordPressItem, so a crash loses nothing and a re-run finishes the job; an
item whose digest is unchanged is skipped, a changed one updated."""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.caching import invalidation
from articles.frontpage import selectors as front_selectors
from articles.frontpage import services as front_services
from articles.images.storage import StorageUnavailable
from articles.models import (
    Article,
    FrontLayout,
    SlugRedirect,
    WordPressComment,
    WordPressItem,
)
from articles.models.redirects import normalise
from articles.publishing import editing, notifications, workflow
from articles.sanitize import strip_control
from articles.webhooks import events

from . import addresses as addresses_here
from . import batch as batch_path
from . import body, media, terms, wxr
from .report import Report

Kind = WordPressItem.Kind
Status = Article.Status
HEADLINE_MAX = Article._meta.get_field("headline").max_length
STANDFIRST_MAX = Article._meta.get_field("standfirst").max_length
# WordPress statuses as the desk's: what readers could see stays visible, nothing else becomes visible.
STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft", "pending": "review",
            "private": "draft", "trash": "trash"}  # fmt: skip
STICKY_MAX = 6
BATCH = 100  # posts per transaction


class ImportFailed(Exception):
    """A one-line reason the import cannot go on (the file, a folder, storage): nothing half-written."""


@dataclass
class Options:
    user: object
    base_url: str = ""
    media_dir: Path | None = None
    dry_run: bool = False
    create_accounts: bool = False
    photo_credit: str = ""


def _open(path: Path):
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportFailed(f"{path}: {exc.strerror}") from exc


class Importer:
    def __init__(self, path: Path, options: Options):
        self.path, self.options = path, options
        self.report = Report(dry_run=options.dry_run)
        self.site = ""
        self.photos: dict[int, int] = {}  # attachment id -> photo id
        self.attachment_pages: dict[int, tuple[str, int]] = {}  # attachment id -> (its page, its post)
        self.sticky: list[int] = []

    def run(self) -> Report:
        started = time.monotonic()
        if self.options.media_dir is not None and not self.options.media_dir.is_dir():
            raise ImportFailed(f"--media-dir {self.options.media_dir} is not a folder")
        channel = self._check_whole_file()
        self.site = (self.options.base_url or channel.base_site_url or channel.base_blog_url).rstrip("/")
        if not self.site:
            raise ImportFailed("the export names no site address: give --base-url https://old.example.org")
        self.credit = self.options.photo_credit or channel.title or urlsplit(self.site).hostname or "Archive"
        self.terms = terms.Terms(site=self.site, report=self.report, dry_run=self.options.dry_run,
                                 create_accounts=self.options.create_accounts)  # fmt: skip
        self.terms.load_known()
        with notifications.muted(), events.quiet(), invalidation.held():
            self._first_pass()
            if not self.options.dry_run:
                with transaction.atomic():
                    addresses_here.archive_redirects(self.terms, self.report)
            self._second_pass()
            if not self.options.dry_run:
                with transaction.atomic():
                    addresses_here.attachment_redirects(self.report, self.site, self.attachment_pages)
                self._sticky_front()
        self.report.seconds = time.monotonic() - started
        return self.report

    def _check_whole_file(self) -> wxr.Channel:
        channel = None
        with _open(self.path) as source:
            try:
                for entry in wxr.read(source):
                    if isinstance(entry, wxr.Channel):
                        channel = entry
            except wxr.WxrError as exc:
                raise ImportFailed(f"{self.path.name}: {exc}; nothing was imported") from exc
        return channel

    def _known(self, kind: str) -> dict[int, WordPressItem]:
        rows = WordPressItem.objects.filter(site=self.site, kind=kind)
        return {int(r.wp_id): r for r in rows}

    def _first_pass(self) -> None:
        known = self._known(Kind.ATTACHMENT)
        with _open(self.path) as source:
            for entry in wxr.read(source):
                if isinstance(entry, wxr.Author):
                    self.terms.author(entry)
                elif isinstance(entry, wxr.Term):
                    self.terms.term(entry)
                elif isinstance(entry, wxr.Item) and entry.post_type == "attachment":
                    self.attachment_pages[entry.post_id] = (entry.link, entry.parent)
                    try:
                        with transaction.atomic():
                            photo_id = media.attachment(
                                entry, site=self.site, media_dir=self.options.media_dir,
                                user=self.options.user, default_credit=self.credit, report=self.report,
                                known=known, dry_run=self.options.dry_run,
                            )  # fmt: skip
                    except StorageUnavailable as exc:
                        raise ImportFailed(
                            "photo storage is unavailable: what was imported is kept; run the same "
                            "command again once storage answers, and it carries on"
                        ) from exc
                    if photo_id is not None:
                        self.photos[entry.post_id] = photo_id

    def _second_pass(self) -> None:
        known = self._known(Kind.POST) | self._known(Kind.PAGE)
        with _open(self.path) as source:
            batch = []
            for entry in wxr.read(source):
                if not isinstance(entry, wxr.Item) or entry.post_type == "attachment":
                    continue
                if entry.post_type == "page":
                    self.report.count("page", "skipped")
                    self.report.skipped.append(
                        f"page {entry.post_id} “{body.plain(entry.title)[:60]}” ({entry.link or 'no link'}): "
                        "pages are not imported (the site has no flat pages); make it a story or a redirect"
                    )
                    continue
                if entry.post_type != "post":
                    self.report.skipped_types[entry.post_type] += 1
                    continue
                if entry.status not in STATUSES:
                    self.report.skipped.append(f"post {entry.post_id}: WordPress status {entry.status!r}")
                    continue
                batch.append(entry)
                if len(batch) == BATCH:
                    self._posts(batch, known)
                    batch = []
            self._posts(batch, known)

    def _posts(self, batch: list[wxr.Item], known: dict) -> None:
        """A batch of posts in one transaction, each in a savepoint of its own: the caches are told once
        per batch (one resolve, one purge) instead of once per post, and a crash loses only the batch,
        matches and all, which the next run does again."""
        with transaction.atomic():
            # New posts already published, most of an archive, go in together (batch.py); the rest, and
            # all of a batch the bulk path refuses, one by one, each in a savepoint of its own.
            rest = batch if self.options.dry_run else batch_path.write(self, batch, known)
            for item in rest:
                self._post(item, known.get(item.post_id))

    # --- posts -----------------------------------------------------------------------------------

    def _post(self, item: wxr.Item, row: WordPressItem | None) -> None:
        fingerprint = item.digest()
        article = None
        if row is not None and row.object_id:
            article = Article.objects.filter(pk=row.object_id).first()
        same = article is not None and row.digest == fingerprint
        if same and not self._pictures_arrived(item, article, row):
            self.report.count("post", "unchanged")
            return
        outcome = "created" if article is None else "updated"
        if self.options.dry_run:
            self.report.count("post", outcome)
            return
        try:
            with transaction.atomic():
                article = self._write_post(item, article)
                self._redirects(item, article)
                self._comments(item, article)
                if row is None:
                    row = WordPressItem(site=self.site, kind=Kind.POST, wp_id=str(item.post_id))
                row.object_id, row.digest, row.updated_at = article.pk, fingerprint, timezone.now()
                row.missing_file = self._missing
                row.save()
        except ValidationError as exc:
            # That post's transaction rolled back whole: no story, no redirect, no match.
            self.report.skipped.append(f"post {item.post_id}: {' '.join(exc.messages)}")
            return
        self.report.count("post", outcome)

    def _pictures_arrived(self, item: wxr.Item, article: Article, row: WordPressItem) -> bool:
        """A post imported without some of its pictures is written again once their files are here."""
        if not row.missing_file:
            return False
        lead = self._photo_for(_number(item.meta.get("_thumbnail_id", "")))
        converted = body.convert(item.content, self._photo_for)
        return converted.html != article.body or lead != article.lead_photo_id

    def _photo_for(self, attachment_id: int) -> int | None:
        return self.photos.get(attachment_id)

    def content(self, item: wxr.Item) -> tuple[dict, list[str], list[int], bool]:
        """A post's story fields, tag names and author ids here, and whether a picture of it is missing."""
        categories = [(slug, name) for domain, slug, name in item.terms if domain == "category"]
        places = [self.terms.place(slug, name) for slug, name in categories]
        section_id = places[0].section_id if places else self.terms.default_section().pk
        tag_names = [
            self.terms.tags.get(slug) or name for domain, slug, name in item.terms if domain == "post_tag"
        ]
        # One section per story: the other categories are kept as tags.
        tag_names += [self.terms.category_names.get(slug, name) for slug, name in categories[1:]]
        for place in places:
            tag_names += place.tags
        logins = [
            name or slug.removeprefix("cap-") for domain, slug, name in item.terms if domain == "author"
        ]
        authors = self.terms.author_ids(logins or [item.creator])
        converted = body.convert(item.content, self._photo_for)
        self.report.unknown_shortcodes.update(converted.unknown_shortcodes)
        wanted_lead = _number(item.meta.get("_thumbnail_id", ""))
        lead = self._photo_for(wanted_lead)
        missing = bool(converted.missing_photos) or bool(wanted_lead and lead is None)
        fields = {
            "headline": (body.plain(item.title) or f"Untitled (WordPress post {item.post_id})")[
                :HEADLINE_MAX
            ],
            "standfirst": body.plain(item.excerpt)[:STANDFIRST_MAX],
            "body": converted.html,
            "section_id": section_id,
            "lead_photo_id": lead,
        }
        return fields, list(dict.fromkeys(t for t in tag_names if t)), authors, missing

    def _write_post(self, item: wxr.Item, article: Article | None) -> Article:
        fields, tag_names, authors, self._missing = self.content(item)
        user = self.options.user
        if article is None:
            article = Article(slug=self._slug(item), **fields)
        else:
            for name, value in fields.items():
                setattr(article, name, value)
        editing.save_edit(
            article=article,
            user=user,
            loaded_version=article.version if article.pk else None,
            tags=tag_names,
            authors=authors,
            note=f"Imported from WordPress (post {item.post_id})",
        )
        self._status(item, article)
        stamps = {"created_at": item.date_gmt or article.created_at}
        if item.modified_gmt:
            stamps |= {"updated_at": item.modified_gmt, "content_modified_at": item.modified_gmt}
        Article.objects.filter(pk=article.pk).update(**stamps)
        return article

    def _status(self, item: wxr.Item, article: Article) -> None:
        wanted, user = STATUSES[item.status], self.options.user
        article.refresh_from_db()
        if wanted in ("published", "scheduled"):
            at = item.date_gmt or timezone.now()
            if article.status != Status.PUBLISHED or article.published_at != at:
                workflow.publish(article=article, user=user, at=at)
            if item.sticky and wanted == "published":
                self.sticky.append(article.pk)
        elif article.status == Status.PUBLISHED:
            workflow.unpublish(article=article, user=user, note="Unpublished in the WordPress export")
            if wanted == "draft":
                Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)
                article.status = Status.DRAFT
        if wanted == "review" and article.status in (Status.DRAFT, Status.UNPUBLISHED):
            workflow.submit_for_review(article=article, user=user)
        if wanted == "trash" and article.deleted_at is None:
            workflow.trash(article=article, user=user)

    def slug_base(self, item: wxr.Item) -> str:
        base = terms.wp_slug(item.post_name, "") or terms.wp_slug(
            body.plain(item.title), f"post-{item.post_id}"
        )
        return base[:180]

    def _slug(self, item: wxr.Item, avoid: frozenset | set = frozenset()) -> str:
        """The post's slug, or its slug and id (and a number) when another story has (or had) it."""
        base = self.slug_base(item)
        slug, n = base, 1
        while slug in avoid or _slug_taken(slug):
            n += 1
            slug = f"{base}-{item.post_id}" if n == 2 else f"{base}-{item.post_id}-{n}"
        return slug

    def old_addresses(self, item: wxr.Item, article: Article) -> set[str]:
        """A post's addresses on the old site (its permalink, its guid, /?p=ID), less the story's here."""
        addresses = {f"/?p={item.post_id}"}
        site_host = urlsplit(self.site).hostname
        for url in (item.link, item.guid):
            parts = urlsplit(url)
            if url and (not parts.hostname or parts.hostname == site_host):
                addresses.add(normalise(url))
        return addresses - {normalise(article.get_absolute_url()), "/"}

    def _redirects(self, item: wxr.Item, article: Article) -> None:
        for address in self.old_addresses(item, article):
            addresses_here.point(self.report, address, article=article, note=f"WordPress post {item.post_id}")

    def comments(self, item: wxr.Item, article: Article) -> list[WordPressComment]:
        return [
            WordPressComment(
                site=self.site,
                wp_id=c.wp_id,
                article=article,
                author_name=strip_control(c.author)[:250],
                posted_at=c.date_gmt,
                approved=c.approved,
                text=strip_control(c.text),
            )
            for c in item.comments
        ]

    def _comments(self, item: wxr.Item, article: Article) -> None:
        rows = self.comments(item, article)
        WordPressComment.objects.bulk_create(rows, ignore_conflicts=True)
        self.report.comments += len(rows)

    def _sticky_front(self) -> None:
        """Sticky posts lead the home page, unless editors already curate it."""
        if not self.sticky or front_selectors.layout_in_force(None).exists():
            return
        stories = list(Article.objects.filter(pk__in=self.sticky[:STICKY_MAX]))
        try:
            front_services.save_layout(
                layout=FrontLayout(section=None, note="Sticky posts from WordPress"),
                user=self.options.user,
                stories=stories,
            )
        except ValidationError as exc:
            self.report.warnings.append(
                f"the sticky posts could not lead the home page: {' '.join(exc.messages)}"
            )


def _slug_taken(slug: str) -> bool:
    return Article.objects.filter(slug=slug).exists() or SlugRedirect.objects.filter(old_slug=slug).exists()


def _number(value: str) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def run(path: Path, options: Options) -> Report:
    return Importer(path, options).run()
