from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_workflow_gallery")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        # "Did you mean" and prefix fallbacks compare headlines by similarity.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS article_headline_trgm ON articles_article "
            "USING gin (lower(headline) gin_trgm_ops)",
            "DROP INDEX IF EXISTS article_headline_trgm",
        ),
    ]
