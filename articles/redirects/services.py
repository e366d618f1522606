"""Finding a redirect for an address, counting its use, and keeping the 404s readers hit.

A lookup is one indexed query on the normalised address, kept in the cache (a miss too) for
CACHE_SECONDS and dropped when a redirect changes. A redirect to a story goes to the story's current
address (one more lookup, by key), so a renamed slug or a moved section never makes a chain.
"""

import hashlib
import logging
import re

from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone

from articles.caching import store
from articles.models import Article, NotFound, Redirect
from articles.models.redirects import PATH_MAX
from newsroom.proxies import client_ip

log = logging.getLogger(__name__)
CACHE_SECONDS = 300
NOT_FOUND_ROWS = 5000  # the 404 list is bounded: the least-hit, oldest paths make room
NEW_404S_PER_CLIENT_MINUTE = 20  # one scanner walking random paths fills little of it
BOTS = re.compile(r"bot|crawl|spider|slurp|scan|curl|wget|python-requests|go-http|headless", re.I)
# Paths only vulnerability scanners ask for: nothing an editor could redirect.
JUNK = re.compile(
    r"(^/(wp-admin|wp-includes|cgi-bin|\.well-known|\.git|\.env|vendor|phpmyadmin)(/|$))"
    r"|(\.(php|aspx?|jsp|cgi|env|ini|sql|bak|old|swp|ya?ml|log)$)|(/\.)",
    re.I,
)


def _key(address: str) -> str:
    return "redirect:" + hashlib.sha1(address.encode()).hexdigest()


def find(address: str) -> tuple[str, bool, int] | None:
    """(target, permanent, redirect id) for a normalised address, or None. An address no stored one
    could be (a NUL byte, too long) is None without asking; a database that fails is None too: the
    reader gets the site's own 404, never a 500 from looking for a redirect."""
    if "\x00" in address or len(address) > PATH_MAX:
        return None
    key = _key(address)
    kept = store.get(key)
    if kept is None:
        row = Redirect.objects.filter(old_path=address).values_list("article_id", "to_url", "permanent", "pk")
        try:
            kept = list(row.first() or ())
        except DatabaseError:
            log.warning("could not look up a redirect", exc_info=True)
            return None
        store.set(key, kept or "", CACHE_SECONDS)
    if not kept:
        return None
    article_id, to_url, permanent, pk = kept
    if article_id is None:
        return to_url, permanent, pk
    # The story's address as it is now (a slug renamed since is no chain): one lookup by key.
    story = Article.objects.select_related("section").filter(pk=article_id).first()
    # A story readers cannot see (withdrawn, trashed) answers 404, not a redirect to a 404.
    if story is None or not story.is_live:
        return None
    return story.get_absolute_url(), permanent, pk


def forget(*addresses: str) -> None:
    """A redirect was saved or deleted: the next lookup of its address asks the database."""
    for address in addresses:
        store.delete(_key(address))


def count_hit(redirect_id: int) -> None:
    try:
        Redirect.objects.filter(pk=redirect_id).update(hits=F("hits") + 1, last_hit_at=timezone.now())
    except DatabaseError:  # counting must never cost the reader the redirect
        log.warning("could not count a redirect hit", exc_info=True)


def worth_keeping(request) -> bool:
    """A reader's 404, not a bot's, a prefetch's or a scanner's."""
    path = request.path
    if len(path) > PATH_MAX or "\x00" in path or JUNK.search(path):
        return False
    if BOTS.search(request.headers.get("User-Agent", "")):
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" not in purpose.lower()


def record_not_found(request) -> None:
    """Count a reader's 404 on its path, with the page that linked to it."""
    if not worth_keeping(request):
        return
    counted = store.count_in_window(f"notfound:{client_ip(request)}", 60)
    if counted is not None and counted[0] > NEW_404S_PER_CLIENT_MINUTE:
        return
    referrer = request.headers.get("Referer", "")[:PATH_MAX]
    table = NotFound._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (path, hits, referrer, first_seen, last_seen)
                    VALUES (%s, 1, %s, now(), now())
                    ON CONFLICT (path) DO UPDATE SET hits = {table}.hits + 1, last_seen = now(),
                        referrer = COALESCE(NULLIF(EXCLUDED.referrer, ''), {table}.referrer)
                    RETURNING id, xmax = 0""",
                [request.path, referrer],
            )
            row_id, inserted = cursor.fetchone()
            # Now and then, not on every new path: trim the list back to its bound.
            if inserted and row_id % 50 == 0:
                cursor.execute(
                    f"""DELETE FROM {table} WHERE id IN (
                        SELECT id FROM {table} ORDER BY hits DESC, last_seen DESC OFFSET %s)""",
                    [NOT_FOUND_ROWS],
                )
    except DatabaseError:
        log.warning("could not record a 404", exc_info=True)


def save(redirect: Redirect) -> Redirect:
    """Save a redirect (validated by the caller's form, or full_clean here) and forget what was kept."""
    before = Redirect.objects.filter(pk=redirect.pk).values_list("old_path", flat=True).first()
    redirect.full_clean()
    redirect.save()
    forget(redirect.old_path, *([before] if before else []))
    return redirect


def delete(redirects) -> int:
    addresses = [r.old_path for r in redirects]
    deleted = Redirect.objects.filter(pk__in=[r.pk for r in redirects]).delete()[0]
    forget(*addresses)
    return deleted
