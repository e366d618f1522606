"""An editor as a process: reads JSON requests on stdin, answers one JSON line each (tests/infra/engines.py).

Publishing goes through the real services in this process's own environment (DATABASE_URL, REDIS_URL...),
so each publish is a committed transaction with the on-commit hooks production runs.
"""

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils.text import slugify

    from articles.models import Article, Section
    from articles.publishing import workflow

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
            article = Article.objects.create(
                headline=headline,
                slug=slugify(headline)[:190],
                section=section,
                standfirst="Published by the infrastructure tests.",
                body="<p>Filed from the cluster.</p>",
                created_by=user,
            )
            workflow.publish(article=article, user=user)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                lsn = cursor.fetchone()[0]
            answer = {"ok": True, "url": article.get_absolute_url(), "id": article.pk, "lsn": lsn}
            answer["headline"] = headline
        else:
            answer = {"ok": False, "error": f"unknown request {request['do']!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
