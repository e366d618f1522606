"""The public side of live coverage: the live part of a story's page, and the endpoint live.js polls."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control

from articles.caching import keys

from . import live_pages


def live_part(request, row: dict, parts: dict, *, is_preview: bool) -> dict | None:
    """A live story's entries for its page (?page=N: older entries), with its JSON-LD made a
    LiveBlogPosting; None for other stories. A preview (a story readers cannot see yet) does not poll:
    the endpoint answers for readable stories only."""
    if not row.get("live"):
        return None
    try:
        number = int(request.GET.get("page", "1"))
        live = live_pages.page_context(article_id=row["pk"], coverage=row["live"], page_number=number)
    except (ValueError, live_pages.NoSuchPage):
        raise Http404("No such page of entries.") from None
    live["path"] = parts["path"]
    live["follow"] = live["follow"] and not is_preview
    parts["json_ld"] = live_pages.json_ld(parts["json_ld"], live=live, url=parts["path"])
    return live


def live_entries(request, article_id):
    """What changed on a live story's newest page since ?after=<count> (public/live_pages.py), for
    live.js; identical answers get the same ETag, so a reader's poll with nothing new is a 304."""
    after = request.GET.get("after", "")
    if not after.isascii() or not after.isdigit() or len(after) > 18:
        return _live_answer({"error": "after must be a count (a whole number)."}, status=400)
    # An entry saved supersedes the story's key (caching/invalidation.py): this answer with it.
    keys.add(keys.story(article_id))
    coverage = live_pages.open_coverage(article_id)
    if coverage is None:
        return _live_answer({"error": "No live story here."}, status=404)
    return _live_answer(live_pages.changes(article_id=article_id, coverage=coverage, after=int(after)))


def _live_answer(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Kept briefly by a CDN and revalidated by browsers: a new entry shows on the next poll.
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.LIVE_CDN_SECONDS)
    return response
