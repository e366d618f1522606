from django.db import migrations


def forwards(apps, schema_editor):
    from newsroom.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    # Administrators may now reset a user's TOTP device.
    dependencies = [("articles", "0008_backfill_search"), ("otp_totp", "0003_add_timestamps")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
