"""The read API's endpoints (django-ninja: see docs/api.md for why this framework).

Each view writes its JSON itself and returns it as a response: the pydantic models in schemas.py document
the shapes (and tests check every answer against them) without being run on every request. ETags and 304s
come from ConditionalGetMiddleware; cached copies from the page cache, whose generation every change to a
story supersedes (caching/invalidation.py), so an answer is never older than the content.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Query
from ninja.errors import ValidationError
from pydantic import BaseModel, Field

from articles.caching import keys
from articles.ninjs import absolute, story_to_ninjs

from . import schemas, stories
from .docs import DocumentedAPI, LocalSwagger

api = DocumentedAPI(
    title="Newsroom read API",
    version="1",
    description=(
        "Published stories as [IPTC ninjs 2.2](https://www.iptc.org/std/ninjs/) items, with the sections, "
        "tags and authors that have them: exactly what the site shows readers.\n\n"
        "**Keys.** Send `Authorization: Bearer <key>` or `X-Api-Key: <key>` for the keyed rate limit; "
        "without a key the anonymous limit applies (per address). Keys are issued by the newsroom. Every "
        "answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; past the limit, "
        "a 429 with `Retry-After`.\n\n"
        "**Pages.** Lists are newest first in pages of `limit`; follow `next` (or pass `next_cursor` as "
        "`cursor`): pages stay stable while stories are published.\n\n"
        "**Caching.** Answers carry an ETag: send `If-None-Match` for a 304."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs=LocalSwagger(),
    docs_url="/docs/",
)

PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
LISTING_PAGE_SIZE, MAX_LISTING_PAGE_SIZE = 100, 500


def json_response(data, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type="application/json")
    # As the public pages: a CDN may keep it briefly; clients revalidate with the ETag. On 404s too, so a
    # story published a moment later is not hidden behind an edge's default TTL.
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.CDN_CACHE_SECONDS,
        stale_while_revalidate=settings.CDN_STALE_SECONDS,
    )
    return response


def bad_request(message: str) -> HttpResponse:
    return json_response({"detail": message}, status=400)


def url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return absolute(reverse(f"api:{name}")) + (f"?{query}" if query else "")


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """A malformed parameter is a 400 that names it (django-ninja's default is a 422)."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc'][1:]) or 'request'}: {error['msg']}" for error in exc.errors
    )
    return bad_request(f"Bad parameter: {problems}.")


@api.exception_handler(stories.BadRequest)
def unusable_parameter(request, exc):
    return bad_request(str(exc))


def _not_found(what: str) -> HttpResponse:
    return json_response({"detail": f"No published {what} has this id."}, status=404)


def no_such_endpoint(request, rest=""):
    """Any other path under /api/v1/: the API's own 404, as JSON, not the site's HTML page."""
    return json_response({"detail": "No such endpoint: see /api/v1/ for the ones there are."}, status=404)


RESPONSES_LIST = {400: schemas.Problem, 401: schemas.Problem, 429: schemas.Problem}
RESPONSES_DETAIL = {404: schemas.Problem, 401: schemas.Problem, 429: schemas.Problem}


@api.get(
    "/",
    response=schemas.Index,
    url_name="index",
    summary="Where everything is",
    tags=["index"],
    by_alias=True,
)
def index(request):
    return json_response(
        {
            "stories": url("stories"),
            "sections": url("sections"),
            "tags": url("tags"),
            "authors": url("authors"),
            "schema": url("openapi-json"),
            "docs": url("openapi-view"),
        }
    )


def _date_time(schema: dict) -> None:
    """Documented as a date-time string; parsed by stories.parse_time, whose 400 says what was wrong."""
    for key in ("anyOf", "default"):
        schema.pop(key, None)
    schema.update(type="string", format="date-time")


# Opaque, but documented as what it is: base64url, unpadded, no longer than a cursor this API makes.
CURSOR = Field(
    "",
    description="`next_cursor` of the page before",
    pattern=r"^[A-Za-z0-9_-]*$",
    max_length=stories.MAX_CURSOR_LENGTH,
)


class StoryFilters(BaseModel):
    section: str = Field("", description="A section's slug (its sub-sections' stories included)")
    tag: str = Field("", description="A tag's slug")
    author: str = Field("", description="An author's slug")
    updated_since: str | None = Field(
        None,
        description="Stories changed at or after this ISO 8601 time (UTC when it has no offset)",
        json_schema_extra=_date_time,
    )
    cursor: str = CURSOR
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Stories per page")


@api.get(
    "/stories/",
    response={200: schemas.StoryPage, **RESPONSES_LIST},
    url_name="stories",
    summary="Published stories, newest first",
    tags=["stories"],
    by_alias=True,
)
def story_list(request, filters: Query[StoryFilters]):
    params = filters.model_dump(exclude={"cursor", "limit"})
    queryset = stories.filtered(**params)
    rows, cursor = stories.story_page(queryset, cursor=filters.cursor, size=filters.limit)
    # Superseded like a feed (any story appearing or leaving) and by a change to any story it holds.
    keys.add(keys.FEEDS)
    keys.add_stories(article.pk for article in rows)
    return json_response(
        {
            "items": [story_to_ninjs(article, request) for article in rows],
            "next": url("stories", **params, limit=filters.limit, cursor=cursor) if cursor else None,
            "next_cursor": cursor,
        }
    )


@api.get(
    "/stories/{int:story_id}/",
    response={200: schemas.Story, **RESPONSES_DETAIL},
    url_name="story",
    summary="One published story",
    tags=["stories"],
    by_alias=True,
)
def story_detail(request, story_id: int):
    # Drafts, scheduled, unpublished and trashed stories are not there: a 404, as for an id never used.
    keys.add(keys.story(story_id))  # the story's changes (its publication included) supersede both
    article = stories.stories().filter(pk=story_id).first()
    if article is None:
        return _not_found("story")
    return json_response(story_to_ninjs(article, request))


@api.get(
    "/sections/",
    response={200: schemas.SectionList, **RESPONSES_LIST},
    url_name="sections",
    summary="Sections with a published story",
    tags=["listings"],
)
def section_list(request):
    """Sections with at least one published story, in the navigation's order."""
    keys.add(keys.SITEMAPS)  # a listing's first story, or its last, changes the list, as in the sitemaps
    return json_response(
        {
            "items": [
                {
                    "id": section.pk,
                    "name": section.name,
                    "slug": section.slug,
                    "parent": section.parent.slug if section.parent_id else None,
                    "description": section.description,
                    "uri": absolute(section.get_absolute_url()),
                    "stories": url("stories", section=section.slug),
                }
                for section in stories.sections()
            ]
        }
    )


class ListingParams(BaseModel):
    cursor: str = CURSOR
    limit: int = Field(LISTING_PAGE_SIZE, ge=1, le=MAX_LISTING_PAGE_SIZE, description="Entries per page")


def _listing(request, name: str, queryset, params: ListingParams, entry) -> HttpResponse:
    rows, cursor = stories.listing_page(queryset, cursor=params.cursor, size=params.limit)
    # As the sitemaps (a listing gains its first story or loses its last); a renamed tag or author is a
    # change to the stories showing it, which supersedes `stories`.
    keys.add(keys.SITEMAPS, keys.STORIES)
    return json_response(
        {
            "items": [entry(row) for row in rows],
            "next": url(name, limit=params.limit, cursor=cursor) if cursor else None,
            "next_cursor": cursor,
        }
    )


def _tag(tag) -> dict:
    return {
        "id": tag.pk,
        "name": tag.name,
        "slug": tag.slug,
        "uri": absolute(reverse("articles:tag", kwargs={"slug": tag.slug})),
        "stories": url("stories", tag=tag.slug),
    }


def _author(author) -> dict:
    return {
        "id": author.pk,
        "name": author.name,
        "slug": author.slug,
        "bio": author.bio,
        "is_agency": author.is_agency,
        "uri": absolute(author.get_absolute_url()),
        "stories": url("stories", author=author.slug),
    }


@api.get(
    "/tags/",
    response={200: schemas.TagPage, **RESPONSES_LIST},
    url_name="tags",
    summary="Tags with a published story",
    tags=["listings"],
)
def tag_list(request, params: Query[ListingParams]):
    """Tags with at least one published story, by slug."""
    return _listing(request, "tags", stories.tags(), params, _tag)


@api.get(
    "/authors/",
    response={200: schemas.AuthorPage, **RESPONSES_LIST},
    url_name="authors",
    summary="Authors with a published story",
    tags=["listings"],
)
def author_list(request, params: Query[ListingParams]):
    """Authors with at least one published story, by slug."""
    return _listing(request, "authors", stories.authors(), params, _author)
