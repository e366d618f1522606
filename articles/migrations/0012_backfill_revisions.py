from django.db import migrations


def forwards(apps, schema_editor):
    # Every story has a revision from its creation: a conflict or a diff always compares against one.
    from articles.models import Article, Revision
    from articles.publishing.revisions import snapshot

    missing = Article.objects.exclude(pk__in=Revision.objects.values("article_id")).order_by("pk")
    # This reads with today's model, which may have columns later migrations add: a new database (no
    # stories yet) must not select them before they exist.
    if not missing.exists():
        return
    for article in missing.iterator(chunk_size=500):
        Revision.objects.create(
            article=article,
            version=article.version,
            user_id=article.updated_by_id or article.created_by_id,
            created_at=article.updated_at,
            data=snapshot(article),
            note="Recorded as it stood (no earlier revision was kept)",
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_top_section")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
