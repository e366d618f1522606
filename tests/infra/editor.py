"""An editor as a process: reads JSON requests on stdin, answers one JSON line each (tests/infra/engines.py).

Publishing goes through the real services in this process's own environment (DATABASE_URL, REDIS_URL...),
so each publish is a committed transaction with the on-commit hooks production runs.
"""

import json
import secrets
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import Article, Author, Section
    from articles.publishing import editing, workflow
    from newsroom.readers import sessions
    from newsroom.readers.models import Reader

    user, _ = get_user_model().objects.get_or_create(
        username="cluster-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    section, _ = Section.objects.get_or_create(slug="news", defaults={"name": "News"})

    for line in sys.stdin:
        request = json.loads(line)
        if request["do"] == "ping":
            answer = {"ok": True}
        elif request["do"] == "publish":
            headline = request["headline"]
            where = section
            if request.get("section"):
                where = Section.objects.get(slug=request["section"])
            article = Article.objects.create(
                headline=headline,
                slug=slugify(headline)[:190],
                section=where,
                standfirst="Published by the infrastructure tests.",
                body="<p>Filed from the cluster.</p>",
                created_by=user,
            )
            if request.get("tags"):
                article.tags.add(*request["tags"])
            workflow.publish(article=article, user=user)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                lsn = cursor.fetchone()[0]
            answer = {"ok": True, "url": article.get_absolute_url(), "id": article.pk, "lsn": lsn}
            answer["headline"] = headline
        elif request["do"] == "edit":
            # A new headline on a live story, saved the way the admin saves it.
            article = Article.objects.get(pk=request["id"])
            article.headline = request["headline"]
            editing.save_edit(article=article, user=user, loaded_version=article.version)
            answer = {"ok": True, "url": article.get_absolute_url(), "id": article.pk}
            answer["headline"] = article.headline
        elif request["do"] == "withdraw":
            # Taken down as an editor would (workflow.unpublish): gone from every page and cache.
            article = Article.objects.get(pk=request["id"])
            workflow.unpublish(article=article, user=user, note="Withdrawn by the cluster soak.")
            answer = {"ok": True, "url": article.get_absolute_url(), "id": article.pk}
        elif request["do"] == "urls":
            # The public pages a reader can reach: what a cluster soak reads at random.
            limit = int(request.get("limit", 500))
            stories = Article.objects.published().select_related("section").order_by("-published_at")
            tags = Tag.objects.filter(taggit_taggeditem_items__isnull=False).distinct()[:50]
            answer = {
                "ok": True,
                "sections": [s.get_absolute_url() for s in Section.objects.all()],
                "tags": [f"/tag/{t.slug}/" for t in tags],
                "authors": [a.get_absolute_url() for a in Author.objects.all()[:50]],
                "stories": [a.get_absolute_url() for a in stories[:limit]],
                "section_slugs": list(Section.objects.values_list("slug", flat=True)),
                "tag_names": [t.name for t in tags],
            }
        elif request["do"] == "reader_link":
            # A new reader and the token of the magic link their email would carry (readers/sessions.py).
            reader = Reader.objects.create(email=f"reader-{secrets.token_hex(6)}@cluster.example")
            answer = {"ok": True, "email": reader.email, "token": sessions.new_link(reader)}
        else:
            answer = {"ok": False, "error": f"unknown request {request['do']!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
