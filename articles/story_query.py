"""A story with everything its page shows, in one query (render.detail_queryset() takes six).

A story nobody has read since its markup was superseded (what a crawler walking the archive meets) is
rendered from this: the section and its parent, the lead photo and its credit, and the bylines,
attributions, tags, corrections and gallery as JSON beside the row. Each comes back as the model instance
prefetch_related() would have made, in the same order, so the templates read them as before.
"""

from django.db import connections, router
from django.utils import timezone
from taggit.models import Tag

from articles import search
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    GalleryItem,
    Photo,
    Section,
    Source,
    published_sql,
)

SQL = """
    SELECT row_to_json(a), row_to_json(s), row_to_json(ps), row_to_json(p), row_to_json(cs),
        (SELECT json_agg(json_build_array(row_to_json(x), row_to_json(au)) ORDER BY x."order", x.id)
         FROM articles_articleauthor x JOIN articles_author au ON au.id = x.author_id
         WHERE x.article_id = a.id),
        (SELECT json_agg(json_build_array(row_to_json(x), row_to_json(so)) ORDER BY x."order", x.id)
         FROM articles_articlesource x JOIN articles_source so ON so.id = x.source_id
         WHERE x.article_id = a.id),
        (SELECT json_agg(row_to_json(t) ORDER BY ti.id)
         FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
         WHERE ti.content_type_id = %(content_type)s AND ti.object_id = a.id),
        (SELECT json_agg(row_to_json(c) ORDER BY c.created_at DESC, c.id DESC)
         FROM articles_correction c WHERE c.article_id = a.id),
        (SELECT json_agg(json_build_array(row_to_json(g), row_to_json(gp), row_to_json(gs))
                ORDER BY g."order", g.id)
         FROM articles_galleryitem g JOIN articles_photo gp ON gp.id = g.photo_id
             LEFT JOIN articles_source gs ON gs.id = gp.credit_source_id
         WHERE g.article_id = a.id)
    FROM articles_article a JOIN articles_section s ON s.id = a.section_id
        LEFT JOIN articles_section ps ON ps.id = s.parent_id
        LEFT JOIN articles_photo p ON p.id = a.lead_photo_id
        LEFT JOIN articles_source cs ON cs.id = p.credit_source_id
    WHERE a.id = %(id)s {published}
"""


def load(article_id: int, *, published_only: bool = False) -> Article | None:
    """The story with its relations, as detail_queryset().get() gives it; None if there is none."""
    sql = SQL.format(published=f"AND {published_sql('a', 'now')}" if published_only else "")
    params = {"id": article_id, "content_type": search.article_content_type_id(), "now": timezone.now()}
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    story, section, parent, photo, credit, bylines, sources, tags, notes, gallery = row
    article = _instance(Article, story)
    article.section = _instance(Section, section)
    article.section.parent = _instance(Section, parent)
    article.lead_photo = _photo(photo, credit)
    article._prefetched_objects_cache = {
        "articleauthor_set": _rows(ArticleAuthor, bylines, author=Author),
        "articlesource_set": _rows(ArticleSource, sources, source=Source),
        "tags": _queryset(Tag, [_instance(Tag, tag) for tag in tags or []]),
        "corrections": _queryset(Correction, [_instance(Correction, note) for note in notes or []]),
        "gallery_items": _queryset(GalleryItem, [_gallery_item(*item) for item in gallery or []]),
    }
    return article


def _instance(model, data: dict | None):
    """A model instance from row_to_json() of its table, each value as its field reads it."""
    if data is None:
        return None
    values = [field.to_python(data[field.column]) for field in model._meta.concrete_fields]
    return model.from_db(router.db_for_read(model), None, values)


def _photo(data, credit):
    photo = _instance(Photo, data)
    if photo is not None:
        photo.credit_source = _instance(Source, credit)
    return photo


def _rows(model, pairs, **related):
    """Link rows (a byline, an attribution) with the row each points to."""
    (name, target), rows = next(iter(related.items())), []
    for link, other in pairs or []:
        row = _instance(model, link)
        setattr(row, name, _instance(target, other))
        rows.append(row)
    return _queryset(model, rows)


def _gallery_item(item, photo, credit):
    row = _instance(GalleryItem, item)
    row.photo = _photo(photo, credit)
    return row


def _queryset(model, rows):
    """`rows` served as a prefetched relation (nothing more is read)."""
    queryset = model.objects.none()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    return queryset
