# Registration moved from attendees to registrations with its table: only the model state's
# foreign keys follow it; the database's constraints already point at the same table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invites", "0003_mail_in_outbox"),
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reminderdelivery",
                    name="registration",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="registrations.registration",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
