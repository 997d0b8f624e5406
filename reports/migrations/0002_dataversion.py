"""Data versions (reports/dataversion.py): a counter table and PostgreSQL statement triggers
that bump the writing backend's own row on every write to a watched table."""

from django.db import migrations, models

# Frozen copy of reports.dataversion.TOPICS at this migration (a migration must not change
# when the module does); a table added later needs a new migration.
TOPICS = {
    "report": [
        ("attendees", "Registration"),
        ("attendees", "Agency"),
        ("attendees", "Region"),
        ("attendees", "User"),
        ("attendance", "AttendanceMark"),
        ("attendance", "Completion"),
        ("attendance", "Feedback"),
        ("workshops", "Workshop"),
        ("workshops", "WorkshopSession"),
        ("workshops", "WorkshopModule"),
        ("workshops", "ModuleRevision"),
        ("workshops", "Module"),
        ("workshops", "Track"),
    ],
    "choices": [("attendees", "Region"), ("workshops", "Track")],
}
# Users are written on every sign-in (last_login): only an agency change matters to a report.
COLUMNS = {("attendees", "User"): "agency_id"}

FUNCTION = """
CREATE OR REPLACE FUNCTION reports_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_dataversion (backend, topic, bumps)
    VALUES (pg_backend_pid(), TG_ARGV[0], 1)
    ON CONFLICT (backend, topic) DO UPDATE SET bumps = reports_dataversion.bumps + 1;
    RETURN NULL;
END $$;
"""


def _triggers(apps):
    for topic, models_ in TOPICS.items():
        for app_label, name in models_:
            table = apps.get_model(app_label, name)._meta.db_table
            column = COLUMNS.get((app_label, name))
            update = f"UPDATE OF {column}" if column else "UPDATE"
            yield f"dv_{topic}_{table}"[:63], table, topic, update


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for trigger, table, topic, update in _triggers(apps):
        schema_editor.execute(
            f'CREATE TRIGGER "{trigger}" AFTER INSERT OR {update} OR DELETE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version('{topic}')"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{trigger}_t" AFTER TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version('{topic}')"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for trigger, table, _topic, _update in _triggers(apps):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger}_t" ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS reports_bump_data_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("attendees", "0004_registration_endorsement_notified"),
        ("attendance", "0001_initial"),
        ("workshops", "0003_material_download"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("backend", models.IntegerField()),
                ("topic", models.CharField(max_length=20)),
                ("bumps", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("backend", "topic"), name="dataversion_backend_topic"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
