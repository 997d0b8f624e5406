"""Drop the data-version triggers, their function and their table: cached figures now simply
expire (reports/figures.py), so no write has to pay for keeping a version."""

import importlib

from django.db import migrations

# The installing migrations' own steps, which change only with them.
dataversion = importlib.import_module("reports.migrations.0002_dataversion")
workshops_topic = importlib.import_module("reports.migrations.0003_dataversion_workshops")


def uninstall(apps, schema_editor):
    workshops_topic.uninstall(apps, schema_editor)
    dataversion.uninstall(apps, schema_editor)


def reinstall(apps, schema_editor):
    dataversion.install(apps, schema_editor)
    workshops_topic.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_dataversion_workshops")]

    operations = [
        migrations.RunPython(uninstall, reinstall, elidable=False),
        migrations.DeleteModel(name="DataVersion"),
    ]
