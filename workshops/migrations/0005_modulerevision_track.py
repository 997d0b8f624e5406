import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_track(apps, schema_editor):
    """Each existing revision takes its module's track as it stands now: until this field, the
    module's track was the only one there was. A revision refuses to be saved again, so the
    rows are set by a single UPDATE."""
    Module = apps.get_model("workshops", "Module")
    ModuleRevision = apps.get_model("workshops", "ModuleRevision")
    ModuleRevision.objects.filter(track__isnull=True).update(
        track_id=Subquery(Module.objects.filter(pk=OuterRef("module_id")).values("track_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0004_track_validity_and_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="modulerevision",
            name="track",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revisions",
                to="workshops.track",
                verbose_name="track",
            ),
        ),
        migrations.RunPython(backfill_track, migrations.RunPython.noop, elidable=True),
    ]
