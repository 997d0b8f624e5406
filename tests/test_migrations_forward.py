"""A database migrated at the layout before the registrations app (Registration in attendees)
migrates forward with every row kept: the model moves by state only, its table keeps its name,
and the rows that name it by its old place (content types, mails rendered when sent) follow."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registrations.mails import registration_event_mail
from registrations.models import Registration, RegistrationEvent
from tests.factories import OfficerFactory, WorkshopFactory

# The latest migration of each app before Registration moved out of attendees.
BEFORE_THE_MOVE = [
    ("attendees", "0007_mail_in_outbox"),
    ("workshops", "0003_material_download"),
    ("invites", "0003_mail_in_outbox"),
    ("attendance", "0003_mail_in_outbox"),
    ("outbox", "0003_mail"),
    ("reports", "0005_mail_in_outbox"),
    ("audit", "0001_initial"),
    ("registrations", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The model state of the targets (an app migrated to zero has none).
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_registration_rows_survive_the_move_to_their_own_app():
    # Made with today's models before going back: the migrations back drop the columns added since.
    workshop = WorkshopFactory()
    officer = OfficerFactory()
    old = _migrate(BEFORE_THE_MOVE)
    try:
        assert "attendees_registration" in connection.introspection.table_names()
        ContentType.objects.clear_cache()
        old_type = ContentType.objects.get(app_label="attendees", model="registration")
        assert not ContentType.objects.filter(
            app_label="registrations", model="registration"
        ).exists()

        # Rows written by the code of the time: its models, its renderer's dotted path.
        reg = old.get_model("attendees", "Registration").objects.create(
            workshop_id=workshop.pk, officer_id=officer.pk, state="confirmed"
        )
        event = old.get_model("attendees", "RegistrationEvent").objects.create(
            registration_id=reg.pk, from_state="", to_state="confirmed"
        )
        mail = old.get_model("outbox", "Mail").objects.create(
            kind="registration",
            to=officer.email,
            subject="",
            message_id="<forward@test>",
            content={"render": "attendees.mails.registration_event_mail", "args": [event.pk]},
        )
    finally:
        _migrate(_latest())

    moved = Registration.objects.get(pk=reg.pk)
    assert moved.workshop_id == workshop.pk
    assert (moved.officer_id, moved.state) == (officer.pk, "confirmed")
    assert [e.pk for e in RegistrationEvent.objects.filter(registration=moved)] == [event.pk]
    assert list(officer.registrations.all()) == [moved]

    ContentType.objects.clear_cache()
    new_type = ContentType.objects.get_for_model(Registration)
    assert (new_type.pk, new_type.app_label) == (old_type.pk, "registrations")
    assert not ContentType.objects.filter(app_label="attendees", model="registration").exists()
    assert Permission.objects.filter(content_type=new_type, codename="add_registration").exists()

    mail.refresh_from_db()
    assert mail.content["render"] == "registrations.mails.registration_event_mail"
    assert registration_event_mail(event.pk).to == [officer.email]

    # The model state the migrations build is the models' own: nothing left to migrate.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
