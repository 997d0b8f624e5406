import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0005_modulerevision_track"),
    ]

    operations = [
        migrations.AlterField(
            model_name="modulerevision",
            name="track",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revisions",
                to="workshops.track",
                verbose_name="track",
            ),
        ),
    ]
