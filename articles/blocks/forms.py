"""The story form's body: blocks shown as short codes in the editor, stored as blocks, checked on save."""

import re
from urllib.parse import urlsplit

from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django_prose_editor.fields import ProseEditorFormField

from articles.models import BODY_EDITOR_EXTENSIONS, Article, Photo, SlugRedirect
from articles.sanitize import sanitize_html

from . import shortcodes, tree
from .embeds import embed_in
from .oembed import lookup_titles


def _story_id_for(reference: str) -> int | None:
    """The story a read-more names: its number, its address (on this site, old addresses included) or
    its slug. Trashed stories are not offered."""
    reference = reference.strip()
    live = Article.objects.filter(deleted_at__isnull=True)
    if reference.lstrip("#").isdigit() and len(reference) < 19:
        return live.filter(pk=int(reference.lstrip("#"))).values_list("pk", flat=True).first()
    path = urlsplit(reference).path if "/" in reference else reference
    slug = [part for part in path.split("/") if part][-1:] or [""]
    if not re.fullmatch(r"[-\w]{1,200}", slug[0]):
        return None
    found = live.filter(slug=slug[0]).values_list("pk", flat=True).first()
    if found is None:
        found = (
            SlugRedirect.objects.filter(old_slug=slug[0], article__deleted_at__isnull=True)
            .values_list("article_id", flat=True)
            .first()
        )
    return found


class BodyField(ProseEditorFormField):
    """The prose editor, showing stored blocks as the short codes editors type."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", shortcodes.HELP)
        super().__init__(
            config={"extensions": BODY_EDITOR_EXTENSIONS},
            preset="configurable",
            widget=AdminTextareaWidget,
            **kwargs,
        )

    def prepare_value(self, value):
        if not value or "data-block" not in value and "http" not in value:
            return value
        _, story_ids = shortcodes.references(value)
        headlines = (
            dict(Article.objects.filter(pk__in=story_ids).values_list("pk", "headline")) if story_ids else {}
        )
        return shortcodes.collapse(value, headlines=headlines)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial or ""), data)


def _known_titles(html: str) -> dict[str, str]:
    titles = {}
    for node in tree.parse(html or ""):
        if (found := embed_in(node)) and found[1]:
            titles[found[0].url] = found[1]
    return titles


def _with_titles(html: str, known: dict[str, str]) -> str:
    """The body with each embed's link titled: from the version the editor opened, else asked of the
    provider (oembed.py); an embed nobody could title keeps a bare link."""
    nodes = tree.parse(html)
    found = [(node, *hit) for node in nodes if (hit := embed_in(node))]
    if not found:
        return html
    asked = lookup_titles([embed for _, embed, _ in found if embed.url not in known])
    for node, embed, _ in found:
        title = known.get(embed.url) or asked.get(embed.url)
        links = node.elements()
        if not links:
            node.children = [tree.Element("a", {"href": embed.url}, [embed.url])]
            links = node.elements()
        if title:
            links[0].attrs["title"] = title
        else:
            links[0].attrs.pop("title", None)
    return tree.serialize(nodes)


def clean_body(value: str, *, opened: str, article_id: int | None) -> str:
    """The submitted body as it will be stored: short codes made blocks, every block checked against the
    library (a missing photo or story is a form error, never a broken page), embeds titled.

    `opened` is the body the editor opened (stored or pending), whose embed titles are reused.
    """
    expanded = shortcodes.expand(value or "", story_id_for=_story_id_for)
    problems = list(expanded.problems)
    html = sanitize_html(expanded.html)
    photo_ids, story_ids = shortcodes.references(html)
    if photo_ids:
        found = set(Photo.objects.filter(pk__in=photo_ids).values_list("pk", flat=True))
        for pk in photo_ids:
            if pk not in found:
                problems.append(
                    f"There is no photo number {pk} in Photos: check the number in [photo: {pk}]."
                )
    if story_ids:
        found = set(
            Article.objects.filter(pk__in=story_ids, deleted_at__isnull=True).values_list("pk", flat=True)
        )
        for pk in story_ids:
            if pk not in found:
                problems.append(
                    f"There is no story number {pk} (or it is in the trash): check [read more: {pk}]."
                )
    if article_id is not None and article_id in story_ids:
        problems.append("A story’s read-more cannot point to the story itself.")
    if problems:
        raise ValidationError(problems)
    return sanitize_html(_with_titles(html, _known_titles(opened)))
