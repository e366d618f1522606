"""Old addresses, pointed at where their pages are now: a post's own (its permalink, `/?p=ID`), and
WordPress's archives (categories with their nested paths, tags, authors, their feeds, the main feed).
An address an editor already redirected elsewhere is left as it is, and said."""

from django.urls import reverse
from taggit.models import Tag

from articles.models import Author, Redirect, Section
from articles.models.redirects import normalise
from articles.redirects import services as redirects

from .report import Report
from .terms import Terms


def point(report: Report, address: str, *, article=None, to_url: str = "", note: str) -> None:
    """One old address to a story (or a page here), unless an editor already said otherwise."""
    address = normalise(address)
    if to_url and normalise(to_url) == address:
        return  # the same address here: the site's own page answers it
    existing = Redirect.objects.filter(old_path=address).first()
    if existing is not None and existing.origin != Redirect.Origin.WORDPRESS:
        report.warnings.append(f"{address} already redirects elsewhere (kept as it was)")
        return
    Redirect.objects.update_or_create(
        old_path=address,
        defaults={
            "article": article,
            "to_url": to_url,
            "origin": Redirect.Origin.WORDPRESS,
            "note": note,
        },
    )
    report.redirects += existing is None
    redirects.forget(address)


def archive_redirects(terms: Terms, report: Report) -> None:
    """WordPress's archive addresses: categories (nested paths too), tags, authors, and their feeds."""
    section_ids = {place.section_id for place in terms.categories.values()}
    sections = dict(Section.objects.filter(pk__in=section_ids).values_list("pk", "slug"))
    for nicename, place in terms.categories.items():
        chain, parent = [nicename], terms.parents.get(nicename, "")
        while parent and len(chain) < 10:
            chain.insert(0, parent)
            parent = terms.parents.get(parent, "")
        slug = sections[place.section_id]
        page = reverse("articles:section", kwargs={"slug": slug})
        feed = reverse("articles:section_feed_rss", kwargs={"slug": slug})
        for path in {f"/category/{nicename}/", f"/category/{'/'.join(chain)}/"}:
            point(report, path, to_url=page, note=f"WordPress category {nicename}")
            point(report, path + "feed/", to_url=feed, note=f"WordPress category {nicename}'s feed")
    tags = dict(Tag.objects.filter(name__in=terms.tags.values()).values_list("name", "slug"))
    for wp_slug, name in terms.tags.items():
        if name in tags:
            page = reverse("articles:tag", kwargs={"slug": tags[name]})
            point(report, f"/tag/{wp_slug}/", to_url=page, note=f"WordPress tag {wp_slug}")
            feed = reverse("articles:tag_feed_rss", kwargs={"slug": tags[name]})
            point(report, f"/tag/{wp_slug}/feed/", to_url=feed, note=f"WordPress tag {wp_slug}'s feed")
    slugs = dict(Author.objects.filter(pk__in=terms.authors.values()).values_list("pk", "slug"))
    for login, author_id in terms.authors.items():
        page = reverse("articles:author", kwargs={"slug": slugs[author_id]})
        point(report, f"/author/{login}/", to_url=page, note=f"WordPress author {login}")
        feed = reverse("articles:author_feed_rss", kwargs={"slug": slugs[author_id]})
        point(report, f"/author/{login}/feed/", to_url=feed, note=f"WordPress author {login}'s feed")
    point(report, "/feed/", to_url=reverse("articles:feed_rss"), note="WordPress's main feed")
    point(report, "/?feed=rss2", to_url=reverse("articles:feed_rss"), note="WordPress's main feed")
