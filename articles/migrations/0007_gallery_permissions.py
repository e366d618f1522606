from django.db import migrations


def forwards(apps, schema_editor):
    from newsroom.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_seo_title_help")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
