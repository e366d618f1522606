"""An issue's stories and its email: built from the curated front page or a section's front, rendered once
per issue as inline-styled HTML (tables, for mail clients) and plain text, then addressed per recipient.
"""

import email.policy
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from articles.caching.site import site_context
from articles.frontpage.selectors import front_stories
from articles.images import renditions, storage

from .models import Issue, IssueItem, Newsletter

# Put in the rendered email where each recipient's own unsubscribe link goes.
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/__recipient__"
# Mail clients show 600 px; pictures are fetched at twice that for sharp screens.
PICTURE_WIDTH = 1200
# Gmail clips a message above about 102 KB of HTML.
MAX_HTML_BYTES = 100 * 1024
_inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def _item_for(article, position: int) -> IssueItem:
    photo = article.lead_photo
    picture = renditions.rendition_for_width(photo, PICTURE_WIDTH, "16x9") if photo and photo.width else None
    return IssueItem(
        position=position,
        article=article,
        headline=article.headline,
        standfirst=article.standfirst,
        url=settings.SITE_URL + article.get_absolute_url(),
        kicker=article.section.name if article.section_id else "",
        image_url=storage.absolute_url(picture.url) if picture else "",
        image_alt=(photo.alt_text or article.headline) if picture else "",
        image_width=picture.width if picture else None,
        image_height=picture.height if picture else None,
    )


def build(*, newsletter: Newsletter, subject: str = "") -> Issue:
    """A draft issue of `newsletter` with the stories of its front (the home page's, or its section's), in
    their order; editors then edit, preview and send it."""
    section = newsletter.section if newsletter.kind == Newsletter.Kind.SECTION else None
    count = 1 if newsletter.kind == Newsletter.Kind.BREAKING else newsletter.story_count
    stories = front_stories(section, count=count)
    with transaction.atomic():
        issue = Issue.objects.create(
            newsletter=newsletter,
            subject=subject or (stories[0].headline if stories else newsletter.name),
        )
        items = [_item_for(article, n) for n, article in enumerate(stories)]
        for item in items:
            item.issue = issue
        IssueItem.objects.bulk_create(items)
    return issue


@dataclass(frozen=True)
class Rendered:
    """An issue's email with UNSUBSCRIBE_MARK where each recipient's link goes."""

    subject: str
    sender: str
    html: str
    text: str


def tracked(url: str, newsletter: Newsletter) -> str:
    """A link to one of our pages tagged ?nl=<newsletter>, so the story's reads show where they came from
    (articles/readership/sources.py); the page cache and the edge ignore the tag (one cached page)."""
    if not url.startswith(settings.SITE_URL.rstrip("/") + "/"):
        return url
    base, _, fragment = url.partition("#")
    tagged = base + ("&" if "?" in base else "?") + urlencode({"nl": newsletter.slug})
    return tagged + ("#" + fragment if fragment else "")


def render(issue: Issue) -> Rendered:
    newsletter = issue.newsletter
    items = list(issue.items.all())
    for item in items:
        item.link = tracked(item.url, newsletter)
    context = {
        "issue": issue,
        "newsletter": newsletter,
        "items": items,
        "site": site_context(),
        "SITE_URL": settings.SITE_URL,
        "date": timezone.localdate(issue.scheduled_for or timezone.now()),
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "account_url": settings.SITE_URL + "/account/",
    }
    html = _inliner.inline(render_to_string("readers/email/issue.html", context))
    text = render_to_string("readers/email/issue.txt", context)
    sender = newsletter.sender or settings.DEFAULT_FROM_EMAIL
    return Rendered(subject=issue.subject, sender=sender, html=html, text=text)


def too_large(rendered: Rendered) -> bool:
    return len(rendered.html.encode()) > MAX_HTML_BYTES


def message_id(issue_id: int, delivery_id: int) -> str:
    """The same for every attempt of one delivery: a resent copy is recognisably the same message."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<issue-{issue_id}.delivery-{delivery_id}@{domain}>"


class NewsletterEmail(EmailMultiAlternatives):
    """Its own headers unfolded up to RFC 5322's 998 characters. At the usual 78, Python folds a long
    List-Unsubscribe URL by turning it into RFC 2047 encoded words, which mail providers do not decode in
    that header: the one-click button would vanish. The parts inside keep their own policy."""

    def message(self, *, policy=email.policy.default):
        built = super().message(policy=policy)
        built.policy = built.policy.clone(max_line_length=998)
        return built


def message(rendered: Rendered, *, to: str, unsubscribe_url: str, msgid: str) -> EmailMultiAlternatives:
    """The email for one recipient, with one-click unsubscribe (RFC 8058: the POST needs no sign-in)."""
    mail = NewsletterEmail(
        rendered.subject,
        rendered.text.replace(UNSUBSCRIBE_MARK, unsubscribe_url),
        from_email=rendered.sender,
        to=[to],
        headers={
            "Message-ID": msgid,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    mail.attach_alternative(rendered.html.replace(UNSUBSCRIBE_MARK, unsubscribe_url), "text/html")
    return mail
