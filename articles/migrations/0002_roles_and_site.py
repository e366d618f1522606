from django.db import migrations


def forwards(apps, schema_editor):
    from newsroom.accounts.roles import sync_roles

    sync_roles(apps)
    SiteSettings = apps.get_model("articles", "SiteSettings")
    SiteSettings.objects.get_or_create(pk=1, defaults={"outlet_name": "English News"})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("axes", "0010_accessattemptexpiration"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
