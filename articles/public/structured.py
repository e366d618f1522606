"""schema.org JSON-LD for public pages."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from articles.photos import renditions


def _abs(path: str) -> str:
    return path if path.startswith("http") else f"{settings.SITE_URL}{path}"


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
        ] + [_abs(renditions.og_image(photo).url)]
    crumbs = [("Home", "/")]
    if article.section.parent_id:
        crumbs.append((article.section.parent.name, article.section.parent.get_absolute_url()))
    crumbs += [(article.section.name, article.section.get_absolute_url()), (article.headline, url)]
    breadcrumb = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": _abs(path)}
            for i, (name, path) in enumerate(crumbs, start=1)
        ],
    }
    return [{k: v for k, v in data.items() if v not in (None, "", [])}, breadcrumb]


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
