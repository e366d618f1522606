"""schema.org JSON-LD for public pages."""

from django.templatetags.static import static
from django.urls import reverse

from articles.images import renditions, storage


def _abs(path: str) -> str:
    # Media and static files may already come with their own host (a bucket, a CDN).
    return storage.absolute_url(path)


def publisher(site) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": site["outlet_name"],
        "url": _abs("/"),
        "logo": {
            "@type": "ImageObject",
            "url": _abs(static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
        "sameAs": [link["url"] for link in site["social_links"]],
        "publishingPrinciples": _abs(reverse("articles:corrections_policy")),
        "correctionsPolicy": _abs(reverse("articles:corrections_policy")),
    }


def article_json_ld(article, site) -> list[dict]:
    url = _abs(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.headline[:110],
        "description": article.meta_description or article.standfirst,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.modified_at or article.updated_at).isoformat(),
        "articleSection": article.section.name,
        "keywords": [t.name for t in article.tags.all()],
        "author": [
            {
                "@type": "Organization" if b.author.is_agency else "Person",
                "name": b.author.name,
                "url": _abs(b.author.get_absolute_url()),
            }
            for b in article.articleauthor_set.all()
        ],
        "publisher": publisher(site),
        "isAccessibleForFree": True,
    }
    photo = article.lead_photo
    if photo and photo.width:
        data["image"] = [
            _abs(renditions.srcset(photo, crop)[-1].url) for crop in ("16x9", "1x1", "original")
        ] + [_abs(renditions.four_three_image(photo).url), _abs(renditions.og_image(photo).url)]
    crumbs = [("Home", "/")]
    if article.section.parent_id:
        crumbs.append((article.section.parent.name, article.section.parent.get_absolute_url()))
    crumbs += [(article.section.name, article.section.get_absolute_url()), (article.headline, url)]
    return [{k: v for k, v in data.items() if v not in (None, "", [])}, _breadcrumb(crumbs)]


def _item_list(stories) -> dict:
    return {
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "url": _abs(story.get_absolute_url())}
            for i, story in enumerate(stories, start=1)
        ],
    }


def _breadcrumb(crumbs) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": _abs(path)}
            for i, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def listing_json_ld(*, name: str, description: str, path: str, stories, crumbs, site) -> list[dict]:
    """A section's or tag's page: a CollectionPage of the stories it lists, and where it sits."""
    page = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": _abs(path),
        "isPartOf": {"@type": "WebSite", "name": site["outlet_name"], "url": _abs("/")},
        "mainEntity": _item_list(stories),
    }
    return [page, _breadcrumb([("Home", "/"), *crumbs])]


def author_json_ld(author, *, description: str, site) -> list[dict]:
    """An author's page: a ProfilePage about the Person (an agency byline is an Organization)."""
    url = _abs(author.get_absolute_url())
    entity = {
        "@type": "Organization" if author.is_agency else "Person",
        "name": author.name,
        "url": url,
        "description": description,
    }
    if not author.is_agency:
        entity["worksFor"] = {"@type": "NewsMediaOrganization", "name": site["outlet_name"], "url": _abs("/")}
    page = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": entity,
    }
    return [page, _breadcrumb([("Home", "/"), (author.name, author.get_absolute_url())])]


def home_json_ld(site) -> list[dict]:
    return [
        {"@context": "https://schema.org", **publisher(site)},
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site["outlet_name"],
            "url": _abs("/"),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": _abs("/search/?q={search_term_string}"),
                },
                "query-input": "required name=search_term_string",
            },
        },
    ]
