"""What to measure, read off the seeded archive (needs Django: bench/run.py sets it up first)."""

import math
import re
from urllib.parse import urlsplit

from bench.figures import Target


def discover() -> list[Target]:
    """The issue's pages on the seeded archive: its biggest section, tag and byline, its newest story."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce
    from taggit.models import TaggedItem

    from articles.models import Article, ArticleAuthor, Author, Section
    from articles.public import views
    from newsroom.ops.bench_archive import ABSENT_WORD, COMMON_WORD, RARE_WORD

    published = Article.objects.published()
    article = published.select_related("section").filter(lead_photo__isnull=False).first()
    section_sizes = (
        published.values(top=Coalesce("section__parent_id", "section_id"))
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    biggest = section_sizes[0]
    section = Section.objects.get(pk=biggest["top"])
    last_page = math.ceil(biggest["n"] / getattr(views, "PAGE_SIZE", 20))
    deep = min(2000, last_page)
    tag = TaggedItem.objects.values("tag__slug").annotate(n=Count("id")).order_by("-n")[0]
    byline = ArticleAuthor.objects.values("author").annotate(n=Count("id")).order_by("-n")[0]
    author = Author.objects.get(pk=byline["author"])
    targets = [
        Target("home", "/"),
        Target("article page", article.get_absolute_url(), note="the newest story"),
        Target(
            "section page 1", section.get_absolute_url(), note=f"{section.name}: {biggest['n']:,} stories"
        ),
        Target(
            f"section page {deep:,}", f"{section.get_absolute_url()}?page={deep}", note=f"of {last_page:,}"
        ),
        Target("tag page, biggest tag", f"/tag/{tag['tag__slug']}/", note=f"{tag['n']:,} stories"),
        Target("author page, biggest byline", author.get_absolute_url(), note=f"{byline['n']:,} stories"),
        Target("search: common word", f"/search/?q={COMMON_WORD}", note=f"“{COMMON_WORD}”"),
        Target("search: rare word", f"/search/?q={RARE_WORD}", note=f"“{RARE_WORD}”, 12 stories"),
        Target("search: no match", f"/search/?q={ABSENT_WORD}", note=f"“{ABSENT_WORD}”"),
        Target("RSS feed", "/feeds/rss/"),
        Target("sitemap index", "/sitemap.xml"),
        Target("sitemap page", sitemap_page()),
        Target("Google News sitemap", "/sitemap-news.xml"),
        # The read API (articles/api/): ninjs JSON through the same page cache, rate limiter included.
        Target("API story list", "/api/v1/stories/", note="ninjs, 20 stories"),
        Target("API story detail", f"/api/v1/stories/{article.pk}/", note="ninjs, the newest story"),
        Target("API story list, deep cursor", api_deep_page(published), note="40,000 stories in"),
        Target("admin article list", "/admin/articles/article/", cached=False, staff=True),
        Target(
            "admin search",
            "/admin/articles/article/?q=ceasefire",
            cached=False,
            staff=True,
            note="“ceasefire”",
        ),
    ]
    return targets


def api_deep_page(published) -> str:
    """The read API's story list after its 40,000th story: a keyset page should cost what page 1 does."""
    from articles.api.stories import encode_cursor

    row = published.order_by("-published_at", "-id").values_list("published_at", "id")[39_999:40_000].first()
    return f"/api/v1/stories/?cursor={encode_cursor(*row)}" if row else "/api/v1/stories/"


def sitemap_page() -> str:
    """The first article page the sitemap index lists (or sitemap.xml itself when it is not an index)."""
    from django.test import Client

    response = Client().get("/sitemap.xml", headers={"host": "127.0.0.1"})
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    if "<sitemapindex" not in body or not locations:
        return "/sitemap.xml"
    chosen = next((loc for loc in locations if "article" in loc), locations[0])
    parts = urlsplit(chosen.replace("&amp;", "&"))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def staff_cookie() -> str:
    """A superuser's session, made directly in the session store (no login form, no password)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def clear_cache() -> None:
    """Drop the benchmark's keys (and only those: the Redis may be shared) so each run starts cold."""
    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION")
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower() or not prefix:
        return
    import redis

    client = redis.Redis.from_url(location if isinstance(location, str) else location[0])
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def archive() -> dict:
    from django.db import connection

    from newsroom.ops.management.commands.seed_archive import MARKER_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, articles, seconds, seeded_at FROM {MARKER_TABLE}")
        version, articles, seconds, seeded_at = cursor.fetchone()
    return {
        "version": version,
        "articles": articles,
        "seed_seconds": seconds,
        "seeded_at": seeded_at.isoformat(),
    }
