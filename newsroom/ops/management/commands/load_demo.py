from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.frontpage import services as fronts
from articles.models import (
    Article,
    Author,
    BreakingBanner,
    FrontLayout,
    Photo,
    Section,
    SiteSettings,
    SocialLink,
    Source,
)
from articles.photos import services
from articles.publishing import editing, notifications, pending, workflow
from newsroom import audit
from newsroom.ops import demo_content as demo
from newsroom.ops import demo_desk as desk
from newsroom.ops import demo_newsletters, demo_wire
from newsroom.ops.demo_blocks import load_block_story
from newsroom.ops.demo_images import make_demo_image
from newsroom.ops.demo_live import load_live_story

DEMO_USERS = [
    # username, password, group, superuser
    ("admin", "admin-demo-pass", "Administrators", True),
    ("editor", "editor-demo-pass", "Editors", False),
    ("reporter", "reporter-demo-pass", "Reporters", False),
    ("reporter2", "reporter2-demo-pass", "Reporters", False),
]


def _story(story: dict, sections: dict, **photo) -> Article:
    """A demo story, not yet saved: the services save it."""
    fields = {name: story[name] for name in ("slug", "headline", "standfirst", "body")}
    return Article(section=sections[story["section"]], **fields, **photo)


def _tomorrow_at(clock):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), clock))


class Command(BaseCommand):
    help = "Load the demo content and demo accounts (idempotent: existing items are left alone)."

    def handle(self, *args, **options):
        with notifications.muted(), transaction.atomic(), audit.acting(system="command load_demo"):
            self._load()

    def _load(self):
        site = SiteSettings.load()
        if site.outlet_name in ("", "English News") and not site.tagline:
            site.outlet_name = "English News"
            site.tagline = "Independent news, checked twice"
            site.description = "World, politics, business, technology, climate and sport."
            site.save()
        for order, (network, url) in enumerate(demo.SOCIAL_LINKS):
            SocialLink.objects.get_or_create(
                site=site, network=network, defaults={"url": url, "order": order}
            )

        sections = {}
        for slug, name, parent, order, description in demo.SECTIONS:
            sections[slug], _ = Section.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "parent": sections.get(parent),
                    "order": order,
                    "description": description,
                    "show_in_nav": parent is None,
                },
            )
        sources = {}
        for name, slug, url, kind in demo.SOURCES:
            sources[slug], _ = Source.objects.get_or_create(
                slug=slug, defaults={"name": name, "url": url, "kind": kind}
            )
        authors = {}
        for name, slug, bio, agency in demo.AUTHORS:
            authors[slug], _ = Author.objects.get_or_create(
                slug=slug, defaults={"name": name, "bio": bio, "is_agency": agency}
            )

        User = get_user_model()
        users = {}
        for username, password, group, superuser in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username, f"{username}@example.org", password,
                    is_staff=True, is_superuser=superuser,
                )  # fmt: skip
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
        Author.objects.filter(slug="maya-lindqvist", user__isnull=True).update(user=users["editor"])
        Author.objects.filter(slug="priya-raman", user__isnull=True).update(user=users["reporter"])
        Author.objects.filter(slug="daniel-mensah", user__isnull=True).update(user=users["reporter2"])

        now = timezone.now()
        created = 0
        stories = [self._seed_as_story()] + demo.STORIES
        for index, story in enumerate(stories):
            if Article.objects.filter(slug=story["slug"]).exists():
                continue
            photo = self._photo(story, index, sources, users["editor"])
            # Written as a newsroom would: the same services, rules and records as the admin.
            article = _story(story, sections, lead_photo=photo)
            editing.save_edit(
                article=article,
                user=users["editor"],
                tags=story.get("tags", []),
                authors=[authors[slug] for slug in story.get("authors", [])],
                sources=[sources[slug] for slug in story.get("sources", [])],
            )
            workflow.publish(article=article, user=users["editor"], at=now - timedelta(hours=3 * index + 1))
            if story["slug"] == desk.PENDING_CHANGE["slug"]:
                change = {key: value for key, value in desk.PENDING_CHANGE.items() if key != "slug"}
                pending.save_pending(
                    article=article, user=users["editor"], data=change, loaded_version=article.version
                )
            created += 1
        # A story with every block and two embeds (after the story its read-more names).
        editor = users["editor"]
        photo = lambda spec, seed: self._photo(spec, seed, sources, editor)  # noqa: E731
        created += load_block_story(sections=sections, authors=authors, user=editor, make_photo=photo)
        created += load_live_story(sections=sections, authors=authors, users=users)
        for story in desk.DESK_STORIES:
            if not Article.objects.filter(slug=story["slug"]).exists():
                self._desk_story(story, sections, authors, users)
                created += 1
        self._fronts(sections, users["editor"])
        demo_wire.load(section=sections["world"], source=sources["reuters"])
        demo_newsletters.load(sections=sections)
        self.stdout.write(
            f"Demo content ready: {Article.objects.count()} articles ({created} new), "
            f"{Photo.objects.count()} photos."
        )

    def _fronts(self, sections, editor):
        """The fronts and the banner as an editor arranges them, once: a layout or banner already there
        (the demo's, or one made since) is left alone."""

        def arrange(section, slugs, *, at=None, note=""):
            by_slug = Article.objects.in_bulk(slugs, field_name="slug")
            layout = FrontLayout(section=section, note=note, live_from=at or timezone.now())
            stories = [by_slug[slug] for slug in slugs]
            blocks = [sections[slug] for slug in demo.HOME_FRONT["sections"]] if section is None else []
            fronts.save_layout(layout=layout, user=editor, stories=stories, sections=blocks)

        if not FrontLayout.objects.filter(section__isnull=True).exists():
            arrange(None, demo.HOME_FRONT["stories"])
            morning = demo.MORNING_FRONT
            arrange(None, morning["stories"], at=_tomorrow_at(morning["at"]), note=morning["note"])
        for slug, stories in demo.SECTION_FRONTS.items():
            if not FrontLayout.objects.filter(section=sections[slug]).exists():
                arrange(sections[slug], stories)
        if not BreakingBanner.objects.exists():
            story = Article.objects.select_related("section").get(slug=demo.BREAKING["story"])
            banner = BreakingBanner(text=demo.BREAKING["text"], link=story.get_absolute_url())
            fronts.put_banner(banner=banner, user=editor)

    def _desk_story(self, story, sections, authors, users):
        """A story at one stage of the desk, taken there as the newsroom would (demo_desk.py)."""
        reporter, editor, stage = users[story["by"]], users["editor"], story["stage"]
        photo = Article.objects.filter(slug=story.get("photo_from", "")).values_list("lead_photo", flat=True)
        article = _story(story, sections, lead_photo_id=photo.first())
        byline = [authors[story["author"]]]
        editing.save_edit(article=article, user=reporter, tags=story["tags"], authors=byline)
        if stage == "draft":
            return
        note = story.get("note", "") if stage == "review" else ""
        workflow.submit_for_review(article=article, user=reporter, note=note)
        if stage == "returned":
            workflow.return_to_draft(article=article, user=editor, note=story["note"])
        elif stage in ("scheduled", "embargoed"):
            if stage == "embargoed":
                article.embargo_until = _tomorrow_at(story["embargo_at"])
                editing.save_edit(article=article, user=editor, loaded_version=article.version)
            workflow.schedule(article=article, user=editor, at=_tomorrow_at(story["publish_at"]))

    def _seed_as_story(self):
        story = dict(demo.SEED_STORY)
        photo = story.pop("photo")
        story.update(
            palette=photo["palette"],
            photo_caption=photo["caption"],
            photo_alt=photo["alt"],
            photo_credit=photo["credit_source"],
        )
        return story

    def _photo(self, story, index, sources, user):
        upload = SimpleUploadedFile(
            f"{story['slug'][:40]}.jpg",
            make_demo_image(story["palette"], seed=index),
            content_type="image/jpeg",
        )
        credit = sources.get(story.get("photo_credit", ""))
        photo = Photo(
            image=upload,
            caption=story["photo_caption"],
            alt_text=story["photo_alt"],
            credit_source=credit,
            credit_text="" if credit else "Newsroom staff",
            rights=Photo.Rights.AGENCY if credit else Photo.Rights.OWN,
        )
        return services.save_photo(photo=photo, user=user)
