# Registration moved from attendees to registrations with its table: only the model state's
# foreign keys follow it; the database's constraints already point at the same table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0003_mail_in_outbox"),
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attendancechange",
                    name="registration",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance_changes",
                        to="registrations.registration",
                    ),
                ),
                migrations.AlterField(
                    model_name="attendancemark",
                    name="registration",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance_marks",
                        to="registrations.registration",
                    ),
                ),
                migrations.AlterField(
                    model_name="certificate",
                    name="registration",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="certificates",
                        to="registrations.registration",
                    ),
                ),
                migrations.AlterField(
                    model_name="completion",
                    name="registration",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="completion",
                        to="registrations.registration",
                    ),
                ),
                migrations.AlterField(
                    model_name="feedback",
                    name="registration",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="registrations.registration",
                    ),
                ),
                migrations.AlterField(
                    model_name="walkin",
                    name="registration",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="walk_in",
                        to="registrations.registration",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
