"""Which URLs become embeds, and the player each one loads.

Pure Python (no Django): the settings import `frame_sources()` for the CSP's frame-src, so the providers
listed here are exactly the frames a page may load. Every player is an iframe, so no provider's script
runs in our pages and script-src stays ours alone. Hosts with a privacy-enhanced player (YouTube's
youtube-nocookie.com, Vimeo's and X's do-not-track flags) get it.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

# Mastodon runs on thousands of servers and frame-src must name each one: these are the instances our
# readers meet most. Posts on any other server stay plain links (add its host here to embed them).
MASTODON_HOSTS = (
    "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "mastodon.world", "fosstodon.org",
    "hachyderm.io", "infosec.exchange", "journa.host", "newsie.social", "mastodon.green", "social.coop",
)  # fmt: skip


@dataclass(frozen=True)
class Provider:
    key: str
    name: str  # as readers know it
    frame_origin: str | None  # None: the frame's host depends on the URL (Mastodon)
    oembed: str | None  # where a title can be asked for at save time ({url} is quoted in)
    verb: str  # what the link to the original says: "Watch on YouTube"


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # what the editor pasted
    src: str  # the player, loaded on click
    shape: str  # video, vertical, post, audio or audio-tall: the frame's size (site.css)
    kind: str  # what it is, for the button and the frame's title: "video", "post", "episode"...


YOUTUBE = Provider(
    "youtube", "YouTube", "https://www.youtube-nocookie.com",
    "https://www.youtube.com/oembed?format=json&url={url}", "Watch on YouTube",
)  # fmt: skip
VIMEO = Provider(
    "vimeo",
    "Vimeo",
    "https://player.vimeo.com",
    "https://vimeo.com/api/oembed.json?url={url}",
    "Watch on Vimeo",
)
X = Provider(
    "x", "X", "https://platform.twitter.com",
    "https://publish.twitter.com/oembed?omit_script=true&dnt=true&url={url}", "View the post on X",
)  # fmt: skip
FACEBOOK = Provider("facebook", "Facebook", "https://www.facebook.com", None, "View on Facebook")
INSTAGRAM = Provider("instagram", "Instagram", "https://www.instagram.com", None, "View on Instagram")
TIKTOK = Provider(
    "tiktok", "TikTok", "https://www.tiktok.com", "https://www.tiktok.com/oembed?url={url}", "Watch on TikTok"
)
BLUESKY = Provider(
    "bluesky", "Bluesky", "https://embed.bsky.app",
    "https://embed.bsky.app/oembed?format=json&url={url}", "View the post on Bluesky",
)  # fmt: skip
MASTODON = Provider(
    "mastodon", "Mastodon", None, "https://{host}/api/oembed?url={url}", "View the post on Mastodon"
)
SPOTIFY = Provider(
    "spotify",
    "Spotify",
    "https://open.spotify.com",
    "https://open.spotify.com/oembed?url={url}",
    "Listen on Spotify",
)
APPLE_PODCASTS = Provider(
    "apple-podcasts", "Apple Podcasts", "https://embed.podcasts.apple.com", None, "Listen on Apple Podcasts"
)
PROVIDERS = (YOUTUBE, VIMEO, X, FACEBOOK, INSTAGRAM, TIKTOK, BLUESKY, MASTODON, SPOTIFY, APPLE_PODCASTS)


def frame_sources() -> list[str]:
    """Every origin a player may be framed from: the CSP's frame-src, and nothing else."""
    fixed = [p.frame_origin for p in PROVIDERS if p.frame_origin]
    return fixed + [f"https://{host}" for host in MASTODON_HOSTS]


def _host(parts) -> str:
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _start_seconds(value: str) -> int:
    """YouTube's t= / start=: 90, 90s, 1m30s or 1h2m3s."""
    if value.isdigit():
        return int(value)
    found = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", value)
    if not found or not any(found.groups()):
        return 0
    h, m, s = (int(g or 0) for g in found.groups())
    return h * 3600 + m * 60 + s


YOUTUBE_ID = r"[A-Za-z0-9_-]{11}"


def _youtube(parts, query):
    host, path = _host(parts), parts.path
    shape, video = "video", None
    if host == "youtu.be":
        video = path.strip("/")
    elif host in ("youtube.com", "m.youtube.com", "youtube-nocookie.com"):
        if path in ("/watch", "/watch/"):
            video = query.get("v", [""])[0]
        elif found := re.fullmatch(r"/(embed|shorts|live)/([^/]+)/?", path):
            video = found.group(2)
            shape = "vertical" if found.group(1) == "shorts" else "video"
    if not video or not re.fullmatch(YOUTUBE_ID, video):
        return None
    start = _start_seconds((query.get("t") or query.get("start") or [""])[0])
    src = f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1" + (f"&start={start}" if start else "")
    return src, shape, "video"


def _vimeo(parts, query):
    host, path = _host(parts), parts.path
    if host == "player.vimeo.com":
        found = re.fullmatch(r"/video/(\d+)/?", path)
        video, secret = (found.group(1), query.get("h", [""])[0]) if found else (None, "")
    elif host == "vimeo.com":
        found = re.fullmatch(r"/(?:channels/[\w-]+/|groups/[\w-]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?", path)
        video, secret = (found.group(1), found.group(2) or "") if found else (None, "")
    else:
        return None
    if not video:
        return None
    src = f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1"
    return src + (f"&h={secret}" if re.fullmatch(r"[0-9a-f]+", secret) else ""), "video", "video"


def _x(parts, query):
    if _host(parts) not in ("x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"):
        return None
    found = re.fullmatch(r"/(?:\w{1,15}|i/web)/status(?:es)?/(\d{1,20})(?:/.*)?", parts.path)
    if not found:
        return None
    return f"https://platform.twitter.com/embed/Tweet.html?id={found.group(1)}&dnt=true", "post", "post"


FACEBOOK_VIDEO = r"/(?:[\w.-]+/videos/(?:[\w.-]+/)?\d+|watch|reel/\d+)/?"
FACEBOOK_POST = (
    r"/(?:[\w.-]+/posts/[\w.-]+|groups/[\w.-]+/(?:posts|permalink)/\d+|permalink\.php|story\.php"
    r"|photo(?:\.php)?|[\w.-]+/photos/[\w./-]+|share/p/\w+)/?"
)


def _facebook(parts, query):
    host, path = _host(parts), parts.path
    if host == "fb.watch" and re.fullmatch(r"/\w+/?", path):
        kind = "video"
    elif host not in ("facebook.com", "m.facebook.com", "web.facebook.com"):
        return None
    elif re.fullmatch(FACEBOOK_VIDEO, path) and (path.strip("/") != "watch" or "v" in query):
        kind = "video"
    elif re.fullmatch(FACEBOOK_POST, path):
        kind = "post"
    else:
        return None
    # The plugins take the post's own address, which they fetch on the reader's click.
    href = quote(parts._replace(scheme="https", fragment="").geturl(), safe="")
    if kind == "video":
        return f"https://www.facebook.com/plugins/video.php?href={href}&show_text=false", "video", "video"
    return f"https://www.facebook.com/plugins/post.php?href={href}&show_text=true", "post", "post"


def _instagram(parts, query):
    if _host(parts) != "instagram.com":
        return None
    found = re.fullmatch(r"/(?:[\w.]+/)?(p|reel|reels|tv)/([\w-]+)/?", parts.path)
    if not found:
        return None
    kind = "post" if found.group(1) == "p" else "reel"
    path = "p" if kind == "post" else "reel"
    return f"https://www.instagram.com/{path}/{found.group(2)}/embed/", "post", kind


def _tiktok(parts, query):
    if _host(parts) not in ("tiktok.com", "m.tiktok.com"):
        return None
    found = re.fullmatch(r"/@[\w.-]+/video/(\d{1,24})/?", parts.path)
    if not found:
        return None
    return f"https://www.tiktok.com/player/v1/{found.group(1)}?description=1", "vertical", "video"


def _bluesky(parts, query):
    if _host(parts) != "bsky.app":
        return None
    found = re.fullmatch(
        r"/profile/((?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}|did:(?:plc|web):[a-zA-Z0-9.:%-]+)/post/([a-zA-Z0-9]{1,64})/?",
        parts.path,
    )
    if not found:
        return None
    actor, post = found.groups()
    return f"https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{post}", "post", "post"


def _mastodon(parts, query):
    host = (parts.hostname or "").lower()
    if host not in MASTODON_HOSTS:
        return None
    found = re.fullmatch(r"/@(\w{1,30})/(\d{1,20})/?", parts.path)
    if not found:
        return None
    return f"https://{host}/@{found.group(1)}/{found.group(2)}/embed", "post", "post"


def _spotify(parts, query):
    if _host(parts) != "open.spotify.com":
        return None
    found = re.fullmatch(r"/(?:intl-[a-z-]+/)?(episode|show)/([A-Za-z0-9]{22})/?", parts.path)
    if not found:
        return None
    kind, item = found.groups()
    shape = "audio" if kind == "episode" else "audio-tall"
    return (
        f"https://open.spotify.com/embed/{kind}/{item}",
        shape,
        "episode" if kind == "episode" else "podcast",
    )


def _apple_podcasts(parts, query):
    if _host(parts) != "podcasts.apple.com":
        return None
    found = re.fullmatch(r"/([a-z]{2})/podcast/(?:([\w%-]+)/)?id(\d{1,15})/?", parts.path)
    if not found:
        return None
    country, slug, show = found.groups()
    episode = query.get("i", [""])[0]
    src = f"https://embed.podcasts.apple.com/{country}/podcast/{slug + '/' if slug else ''}id{show}"
    if episode.isdigit():
        return f"{src}?i={episode}", "audio", "episode"
    return src, "audio-tall", "podcast"


MATCHERS = (
    (YOUTUBE, _youtube), (VIMEO, _vimeo), (X, _x), (FACEBOOK, _facebook), (INSTAGRAM, _instagram),
    (TIKTOK, _tiktok), (BLUESKY, _bluesky), (MASTODON, _mastodon), (SPOTIFY, _spotify),
    (APPLE_PODCASTS, _apple_podcasts),
)  # fmt: skip


def match(url: str) -> Embed | None:
    """The embed a URL stands for, or None (it stays a link)."""
    url = url.strip()
    if len(url) > 2000 or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.username or parts.password or parts.port:
            return None
    except ValueError:  # a malformed host or port
        return None
    query = parse_qs(parts.query)
    for provider, matcher in MATCHERS:
        if found := matcher(parts, query):
            src, shape, kind = found
            return Embed(provider=provider, url=url, src=src, shape=shape, kind=kind)
    return None


def oembed_endpoint(embed: Embed, overrides: dict[str, str]) -> str | None:
    """Where to ask for this embed's title: the provider's oEmbed endpoint (or the override for its key)."""
    template = overrides.get(embed.provider.key) or embed.provider.oembed
    if not template:
        return None
    return template.format(url=quote(embed.url, safe=""), host=urlsplit(embed.url).hostname)
