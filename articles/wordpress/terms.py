"""Authors, categories and tags from an export: authors become bylines (and, when asked, staff accounts
that cannot sign in until someone sets a password), categories become sections as far as sections nest
(one level; deeper ones become their ancestor's section plus a tag), tags become tags."""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import RESERVED_SLUGS, Author, Section, WordPressItem
from articles.sanitize import clean_text

from . import wxr
from .report import Report

Kind = WordPressItem.Kind
NAME_MAX = Section._meta.get_field("name").max_length


def wp_slug(value: str, fallback: str) -> str:
    """WordPress keeps slugs percent-encoded (`caf%c3%a9`): as an ASCII slug here, or `fallback`."""
    return slugify(unquote(value or ""))[:80].strip("-") or fallback


def digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


@dataclass
class Place:
    """Where a category's posts go: a section, plus tags for what sections cannot hold."""

    section_id: int
    tags: list[str] = field(default_factory=list)


class Terms:
    def __init__(self, *, site: str, report: Report, create_accounts: bool, dry_run: bool):
        self.site, self.report, self.dry_run = site, report, dry_run
        self.create_accounts = create_accounts
        self.authors: dict[str, int] = {}  # login -> Author id
        self._author_rows: dict[int, Author] = {}  # read once each: a post would ask for its byline again
        self.categories: dict[str, Place] = {}  # nicename -> Place
        self.parents: dict[str, str] = {}
        self.category_names: dict[str, str] = {}
        self.tags: dict[str, str] = {}  # WordPress slug -> tag name
        self.known = {}

    def load_known(self) -> None:
        rows = WordPressItem.objects.filter(site=self.site, kind__in=[Kind.AUTHOR, Kind.CATEGORY, Kind.TAG])
        self.known = {(r.kind, r.wp_id): r for r in rows}

    def _seen(self, kind: str, wp_id: str, fingerprint: str) -> WordPressItem | None:
        row = self.known.get((kind, wp_id))
        outcome = "created" if row is None else ("unchanged" if row.digest == fingerprint else "updated")
        self.report.count(kind, outcome)
        return row

    def _keep(self, row, kind, wp_id, fingerprint, object_id) -> None:
        if row is None:
            row = WordPressItem(site=self.site, kind=kind, wp_id=wp_id)
        row.digest, row.object_id = fingerprint, object_id
        row.save()
        self.known[(kind, wp_id)] = row

    # --- authors ---------------------------------------------------------------------------------

    def author(self, found: wxr.Author) -> None:
        login = found.login.strip()
        if not login:
            self.report.skipped.append("an author with no login")
            return
        name = clean_text(
            found.display_name or " ".join([found.first_name, found.last_name]).strip() or login
        )
        fingerprint = digest(name, found.email, found.first_name, found.last_name)
        row = self._seen(Kind.AUTHOR, login, fingerprint)
        if self.dry_run:
            return
        if row is not None and row.object_id and Author.objects.filter(pk=row.object_id).exists():
            if row.digest != fingerprint:
                Author.objects.filter(pk=row.object_id).update(name=name[:120])
                self._keep(row, Kind.AUTHOR, login, fingerprint, row.object_id)
            self.authors[login] = row.object_id
            return
        with transaction.atomic():
            slug = self._free_author_slug(wp_slug(login, "author"))
            user = self._account(found, login) if self.create_accounts else None
            author = Author.objects.create(name=name[:120], slug=slug, user=user)
            self._keep(row, Kind.AUTHOR, login, fingerprint, author.pk)
        self.authors[login] = author.pk

    @staticmethod
    def _free_author_slug(base: str) -> str:
        slug, n = base, 1
        while Author.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    @staticmethod
    def _account(found: wxr.Author, login: str):
        """A reporter's account with no usable password: an administrator sends a reset link (or single
        sign-on takes over). An account of that name already here is used as it is."""
        User = get_user_model()
        user = User.objects.filter(username=login[:150]).first()
        if user is not None:
            return user if not Author.objects.filter(user=user).exists() else None
        user = User(username=login[:150], email=found.email, first_name=found.first_name[:150],
                    last_name=found.last_name[:150])  # fmt: skip
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="Reporters"))
        return user

    def author_ids(self, logins: list[str]) -> list[Author]:
        ids = [self.authors[login] for login in logins if login in self.authors]
        if missing := [i for i in ids if i not in self._author_rows]:
            self._author_rows |= Author.objects.in_bulk(missing)
        return [self._author_rows[i] for i in dict.fromkeys(ids) if i in self._author_rows]

    # --- categories and tags ---------------------------------------------------------------------

    def term(self, found: wxr.Term) -> None:
        if found.taxonomy == "category":
            self.category(found)
        elif found.taxonomy == "post_tag":
            self.tag(found.slug, found.name)

    def category(self, found: wxr.Term) -> None:
        nicename = found.slug
        name = clean_text(found.name)[:NAME_MAX] or nicename
        self.parents[nicename] = found.parent
        self.category_names[nicename] = name
        fingerprint = digest(name, found.parent, found.description)
        row = self._seen(Kind.CATEGORY, nicename, fingerprint)
        if self.dry_run:
            return
        depth, ancestor = 0, found.parent
        chain = []
        while ancestor and depth < 10:
            chain.append(ancestor)
            ancestor = self.parents.get(ancestor, "")
            depth += 1
        if depth >= 2:
            # Sections nest one level: its top-but-one ancestor's section, and its own name as a tag.
            holder = self.categories.get(chain[-2])
            if holder is not None:
                self.categories[nicename] = Place(holder.section_id, [*holder.tags, name])
                self._keep(row, Kind.CATEGORY, nicename, fingerprint, holder.section_id)
                return
        if nicename == "uncategorized":
            section = self.default_section()
            self.categories[nicename] = Place(section.pk)
            self._keep(row, Kind.CATEGORY, nicename, fingerprint, section.pk)
            return
        parent = self.categories.get(found.parent) if found.parent else None
        section = self._section(nicename, name, found.description, parent.section_id if parent else None)
        self.categories[nicename] = Place(section.pk)
        self._keep(row, Kind.CATEGORY, nicename, fingerprint, section.pk)

    def _section(self, nicename: str, name: str, description: str, parent_id: int | None) -> Section:
        slug = wp_slug(nicename, "section")
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-section"
        section = Section.objects.filter(slug=slug).first() or Section.objects.filter(name=name).first()
        if section is not None:
            return section
        return Section.objects.create(
            name=name, slug=slug, description=clean_text(description), parent_id=parent_id
        )

    def tag(self, slug: str, name: str) -> None:
        name = clean_text(name)[:100] or slug
        self.tags[slug] = name
        row = self._seen(Kind.TAG, slug, digest(name))
        if self.dry_run:
            return
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        self._keep(row, Kind.TAG, slug, digest(name), tag.pk)

    def place(self, nicename: str, name: str) -> Place:
        """Where a post of this category goes; a category the export's list did not name is made now."""
        if nicename not in self.categories:
            self.category(wxr.Term("category", nicename, name or nicename))
        return self.categories[nicename]

    def default_section(self) -> Section:
        """For posts with no category at all (WordPress's "Uncategorized" also lands here)."""
        return Section.objects.filter(slug="news").first() or Section.objects.create(name="News", slug="news")
