"""Where a read came from, as a class and a domain: the only part of a referrer or a query string kept."""

import re
from urllib.parse import parse_qs, urlsplit

from articles.models import ReadSource

Source = ReadSource.Source
SEARCH = (
    "bing.com", "duckduckgo.com", "yahoo.com", "yandex.ru", "yandex.com", "baidu.com", "ecosia.org",
    "qwant.com", "search.brave.com", "startpage.com", "kagi.com", "ask.com", "naver.com", "seznam.cz",
)  # fmt: skip
SOCIAL = (
    "facebook.com", "fb.com", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in", "reddit.com",
    "instagram.com", "threads.net", "bsky.app", "mastodon.social", "tiktok.com", "youtube.com",
    "pinterest.com", "news.ycombinator.com", "whatsapp.com", "telegram.org", "snapchat.com", "tumblr.com",
)  # fmt: skip
GOOGLE = re.compile(r"(^|\.)google(\.[a-z]{2,3}){1,2}$")
NAME = re.compile(r"[^a-z0-9.-]+")
DOMAIN_MAX = 100


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _within(host: str, domains) -> str:
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return ""


def _name(value: str) -> str:
    return NAME.sub("-", value.lower()).strip("-.")[:DOMAIN_MAX]


def classify(*, referrer: str, query: str, own_hosts: set[str]) -> tuple[str, str]:
    """(source, domain) of a read: the page's query string says newsletter (utm_medium=email, or ?nl=
    naming the newsletter), else the referrer's host is a search engine, a social network, this site,
    another site, or there was none (direct)."""
    params = parse_qs(query.lstrip("?"), max_num_fields=20)
    if "nl" in params or "email" in params.get("utm_medium", []):
        return Source.NEWSLETTER, _name((params.get("nl") or params.get("utm_source") or [""])[0])
    host = _host(referrer)
    if not host:
        return Source.DIRECT, ""
    if host in own_hosts:
        return Source.SITE, ""
    if GOOGLE.search(host):
        return Source.SEARCH, "google"
    if found := _within(host, SEARCH):
        return Source.SEARCH, found
    if found := _within(host, SOCIAL):
        return Source.SOCIAL, found
    return Source.OTHER, _name(host)
