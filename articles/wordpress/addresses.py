"""Old addresses, pointed at where their pages are now: a post's own (its permalink, `/?p=ID`), an
attachment's page (to the story it was attached to), and WordPress's archives (categories with their
nested paths, tags, authors, their feeds, the main feed). An address an editor already redirected
elsewhere is left as it is, and said."""

from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Author, Redirect, Section, WordPressItem
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


WORDPRESS = Redirect.Origin.WORDPRESS


def point_many(report: Report, wanted: dict[str, tuple]) -> None:
    """point() for many addresses at once: {address: (article or None, to_url, note)}, in one read and
    one insert (an address already redirected by the import is updated, one an editor made is kept)."""
    wanted = {normalise(address): target for address, target in wanted.items()}
    wanted = {a: t for a, t in wanted.items() if not (t[1] and normalise(t[1]) == a)}
    existing = Redirect.objects.in_bulk(list(wanted), field_name="old_path")
    for address, found in existing.items():
        article, to_url, note = wanted.pop(address)
        if found.origin != Redirect.Origin.WORDPRESS:
            report.warnings.append(f"{address} already redirects elsewhere (kept as it was)")
            continue
        found.article, found.to_url, found.note = article, to_url, note
        found.save(update_fields=["article", "to_url", "note"])
    Redirect.objects.bulk_create(
        Redirect(old_path=address, article=article, to_url=to_url, origin=WORDPRESS, note=note)
        for address, (article, to_url, note) in wanted.items()
    )
    report.redirects += len(wanted)
    redirects.forget(*wanted, *existing)


def archive_redirects(terms: Terms, report: Report) -> None:
    """WordPress's archive addresses: categories (nested paths too), tags, authors, and their feeds."""
    wanted: dict[str, tuple] = {}

    def add(path, *, to_url, note):
        wanted[path] = (None, to_url, note)

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
            add(path, to_url=page, note=f"WordPress category {nicename}")
            add(path + "feed/", to_url=feed, note=f"WordPress category {nicename}'s feed")
    tags = dict(Tag.objects.filter(name__in=terms.tags.values()).values_list("name", "slug"))
    for wp_slug, name in terms.tags.items():
        if name in tags:
            page = reverse("articles:tag", kwargs={"slug": tags[name]})
            add(f"/tag/{wp_slug}/", to_url=page, note=f"WordPress tag {wp_slug}")
            feed = reverse("articles:tag_feed_rss", kwargs={"slug": tags[name]})
            add(f"/tag/{wp_slug}/feed/", to_url=feed, note=f"WordPress tag {wp_slug}'s feed")
    slugs = dict(Author.objects.filter(pk__in=terms.authors.values()).values_list("pk", "slug"))
    for login, author_id in terms.authors.items():
        page = reverse("articles:author", kwargs={"slug": slugs[author_id]})
        add(f"/author/{login}/", to_url=page, note=f"WordPress author {login}")
        feed = reverse("articles:author_feed_rss", kwargs={"slug": slugs[author_id]})
        add(f"/author/{login}/feed/", to_url=feed, note=f"WordPress author {login}'s feed")
    add("/feed/", to_url=reverse("articles:feed_rss"), note="WordPress's main feed")
    add("/?feed=rss2", to_url=reverse("articles:feed_rss"), note="WordPress's main feed")
    point_many(report, wanted)


def attachment_redirects(report: Report, site: str, pages: dict[int, tuple[str, int]]) -> None:
    """Each attachment's page (its permalink, `/?attachment_id=ID`) to the story it was attached to
    (`pages`: attachment id -> (link, parent post id)); one with no imported parent is left."""
    parents = {str(parent) for _, parent in pages.values() if parent}
    made = dict(
        WordPressItem.objects.filter(
            site=site, kind="post", wp_id__in=parents, object_id__isnull=False
        ).values_list("wp_id", "object_id")
    )
    stories = Article.objects.in_bulk(list(made.values()))
    wanted = {}
    for wp_id, (link, parent) in pages.items():
        article = stories.get(made.get(str(parent)))
        if article is not None:
            for address in filter(None, (link, f"/?attachment_id={wp_id}")):
                wanted[address] = (article, "", f"WordPress attachment {wp_id}")
    point_many(report, wanted)
