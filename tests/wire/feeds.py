"""Fixture feeds, as agencies send them: RSS 2.0 and Atom with media:content pictures, ninjs 1.x and 2.x."""

import json

MEDIA = "http://search.yahoo.com/mrss/"
PICTURE = (
    '<media:content url="{}" medium="image" type="image/jpeg">'
    "<media:credit>Jane Doe</media:credit></media:content>"
)


def rss(items) -> bytes:
    """items: (guid, title, html body, picture URL or "", [categories])"""
    entries = "".join(
        f"""<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>
<link>https://agency.example/{guid}</link><description>Summary of {title}</description>
<content:encoded><![CDATA[{body}]]></content:encoded><pubDate>Sun, 29 Nov 2026 10:00:00 GMT</pubDate>
{"".join(f"<category>{c}</category>" for c in subjects)}
{PICTURE.format(picture) if picture else ""}
</item>"""
        for guid, title, body, picture, subjects in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="{MEDIA}" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Agency wire</title><link>https://agency.example/</link><description>Top news</description>
{entries}</channel></rss>""".encode()


def atom(items) -> bytes:
    """items: (id, title, html body, picture URL, [categories], updated ISO time)"""
    entries = "".join(
        f"""<entry><id>{guid}</id><title>{title}</title><updated>{updated}</updated>
<link href="https://agency.example/atom/{guid.rsplit(":", 1)[-1]}"/><summary>Atom summary of {title}</summary>
<content type="html">{body.replace("<", "&lt;").replace(">", "&gt;")}</content>
{"".join(f'<category term="{c}"/>' for c in subjects)}
<media:content url="{picture}" medium="image" type="image/jpeg"/></entry>"""
        for guid, title, body, picture, subjects, updated in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="{MEDIA}"><title>Agency Atom</title>
<id>urn:agency:feed</id><updated>2026-11-29T10:00:00Z</updated>{entries}</feed>""".encode()


def ninjs1(uri, headline, *, version=1, picture="", subjects=()) -> dict:
    item = {
        "uri": uri,
        "type": "text",
        "version": str(version),
        "versioncreated": f"2026-11-29T10:0{version}:00Z",
        "headline": headline,
        "description_text": f"Summary of {headline}",
        "body_html": f"<p>{headline}: version {version} of the text.</p><script>alert(1)</script>",
        "subject": [{"name": s, "code": f"medtop:{i}"} for i, s in enumerate(subjects)],
    }
    if picture:
        item["associations"] = {
            "featureimage": {
                "type": "picture",
                "description_text": "Rescuers at work",
                "byline": "John Roe",
                "renditions": {"original": {"href": picture, "width": 1200, "height": 800}},
            }
        }
    return item


def ninjs2(uri, headline, *, version=1, picture="", subjects=()) -> dict:
    item = {
        "uri": uri,
        "type": "text",
        "version": str(version),
        "versioncreated": f"2026-11-29T11:0{version}:00Z",
        "headlines": [{"role": "main", "value": headline}],
        "descriptions": [{"role": "summary", "value": f"Summary of {headline}", "contenttype": "text/plain"}],
        "bodies": [
            {"role": "main", "contenttype": "text/html", "value": f"<p>{headline}, version {version}.</p>"}
        ],
        "subjects": [
            {"name": s, "uri": f"http://cv.iptc.org/newscodes/mediatopic/{i}"} for i, s in enumerate(subjects)
        ],
    }
    if picture:
        item["associations"] = [
            {
                "name": "featureimage",
                "type": "picture",
                "descriptions": [{"role": "caption", "value": "A harbour at dawn"}],
                "bylines": [{"byline": "Ana Lima"}],
                "renditions": [
                    {"name": "thumbnail", "href": picture + "?thumb", "width": 200, "height": 133},
                    {"name": "original", "href": picture, "width": 1200, "height": 800},
                ],
            }
        ]
    return item


def as_json(items) -> bytes:
    return json.dumps({"items": items}).encode()
