"""Data version topic "workshops": what a workshop page shows besides seats and registrations
(the workshop, its sessions, modules and their revisions, tracks, trainers and their names).
Uses the trigger function of 0002."""

from django.db import migrations

TABLES = [
    ("workshops", "Workshop", None),
    ("workshops", "WorkshopSession", None),
    ("workshops", "WorkshopModule", None),
    ("workshops", "ModuleRevision", None),
    ("workshops", "Module", None),
    ("workshops", "Track", None),
    ("attendees", "Region", None),
    ("attendees", "Agency", None),  # host agency names
    ("attendees", "User", "full_name"),  # trainers' names; sign-ins write last_login only
]


def _tables(apps):
    for app_label, name, column in TABLES:
        yield apps.get_model(app_label, name)._meta.db_table, column
    trainers = apps.get_model("workshops", "Workshop")._meta.get_field("trainers")
    yield trainers.remote_field.through._meta.db_table, None


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in _tables(apps):
        update = f"UPDATE OF {column}" if column else "UPDATE"
        trigger = f"dv_workshops_{table}"[:61]
        schema_editor.execute(
            f'CREATE TRIGGER "{trigger}" AFTER INSERT OR {update} OR DELETE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version('workshops')"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{trigger}_t" AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version('workshops')"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column in _tables(apps):
        trigger = f"dv_workshops_{table}"[:61]
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger}_t" ON "{table}"')


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_dataversion")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
