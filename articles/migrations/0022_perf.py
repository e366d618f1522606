import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_modified_time"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredMarkup",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("parts", models.JSONField()),
                ("rendered_for", models.DateTimeField()),
                ("generation", models.BigIntegerField()),
                ("version", models.CharField(max_length=32)),
            ],
        ),
        # The shared markup generation (articles/markup/store.py): compared for equality only.
        migrations.RunSQL(
            "CREATE SEQUENCE articles_markup_generation", "DROP SEQUENCE articles_markup_generation"
        ),
    ]
