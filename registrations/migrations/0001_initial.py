# Registration and RegistrationEvent moved here from attendees. Their tables keep their names
# (db_table), so this only tells Django's model state where they live: the database is not
# touched, and a database migrated at the old layout keeps every row.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

STATES = [
    ("nomination", "Awaiting agency endorsement"),
    ("pending", "Pending approval"),
    ("confirmed", "Confirmed"),
    ("waitlisted", "Waitlisted"),
    ("declined", "Declined"),
    ("cancelled", "Cancelled"),
    ("removed", "Removed by coordinator"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("attendees", "0007_mail_in_outbox"),
        ("workshops", "0003_material_download"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Registration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=STATES, db_index=True, max_length=12, verbose_name="state"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="registered at"
                            ),
                        ),
                        ("waitlisted_at", models.DateTimeField(blank=True, null=True)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "endorsed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="endorsed at"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "endorsed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="endorsed by",
                            ),
                        ),
                        (
                            "officer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="registrations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "workshop",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="registrations",
                                to="workshops.workshop",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "registration",
                        "verbose_name_plural": "registrations",
                        "db_table": "attendees_registration",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["workshop", "state", "waitlisted_at"],
                                name="attendees_r_worksho_35cd07_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("workshop", "officer"), name="registration_unique_officer"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RegistrationEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("from_state", models.CharField(blank=True, choices=STATES, max_length=12)),
                        ("to_state", models.CharField(choices=STATES, max_length=12)),
                        ("reason", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "registration",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="registrations.registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "registration event",
                        "verbose_name_plural": "registration events",
                        "db_table": "attendees_registrationevent",
                        "ordering": ["created_at", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
