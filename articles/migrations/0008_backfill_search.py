from django.db import migrations


def forwards(apps, schema_editor):
    from articles.search import update_search_vectors

    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True))
    # In slices: one UPDATE per 5,000 stories keeps each statement's memory bounded.
    for start in range(0, len(ids), 5000):
        update_search_vectors(ids[start : start + 5000])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_gallery_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
