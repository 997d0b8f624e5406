"""Staff are mailed when something starts waiting for them: exactly those who may act on it
(the permission rules of the pages where they act), once, as each chose on their profile."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction

from attendees.models import Agency, User
from attendees.services import confirm_officer_email
from outbox.models import Mail
from registrations.services import endorse_nomination, register
from tests.factories import (
    AgencyFactory,
    CoordinatorFactory,
    ModuleFactory,
    OfficerFactory,
    TrainerFactory,
    WorkshopFactory,
)
from workshops.models import Module
from workshops.services import publish_module, return_module_to_draft, submit_module_for_review

pytestmark = pytest.mark.django_db

SITE = "https://training.example.net"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def work_mail_recipients() -> list[str]:
    return sorted(Mail.objects.filter(kind="work").values_list("to", flat=True))


def sent_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def staff(region, other_region, agency, other_agency, coordinator, program_admin):
    """Everyone who must not hear of another's work, beside the ones who must."""
    return {
        "coordinator": coordinator,
        "admin": program_admin,
        "other_coordinator": CoordinatorFactory(regions=[other_region]),
        "focal_point": OfficerFactory(agency=agency, is_focal_point=True),
        "other_focal_point": OfficerFactory(agency=other_agency, is_focal_point=True),
        "trainer": TrainerFactory(),
    }


# --- registrations ---------------------------------------------------------------------------


def test_pending_registration_mails_the_regions_coordinators_only_once(
    staff, region, officer, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region, requires_approval=True, title="Tracing 101")
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop_id=workshop.pk, officer=officer)
    assert work_mail_recipients() == sorted([staff["coordinator"].email, staff["admin"].email])
    (message,) = sent_to(staff["coordinator"])
    assert "To approve" in message.subject and "Tracing 101" in message.subject
    assert f"{SITE}/manage/workshops/{workshop.pk}/registrations/" in message.body
    html = message.alternatives[0][0]
    assert f'href="{SITE}/manage/workshops/{workshop.pk}/registrations/"' in html
    assert "Asia/Singapore" not in html  # the coordinator's own zone, named
    assert "(UTC)" in html and "(UTC)" in message.body
    # The officer hears of their own registration, and nobody else is mailed.
    assert {tuple(m.to) for m in mail.outbox} == {
        (staff["coordinator"].email,),
        (staff["admin"].email,),
        (officer.email,),
    }


def test_pending_registration_mail_in_the_coordinators_language_and_zone(
    region, officer, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory(regions=[region], language="fr", time_zone="Europe/Paris")
    workshop = WorkshopFactory(region=region, requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop_id=workshop.pk, officer=officer)
    (message,) = sent_to(coordinator)
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    # The coordinator's zone, labelled in their language (trainingsite.when).
    assert "heure : Paris" in html and "heure : Paris" in message.body


@pytest.mark.parametrize(
    ("choice", "mailed"),
    [(User.WorkMail.EACH, True), (User.WorkMail.DIGEST, False), (User.WorkMail.NONE, False)],
)
def test_the_preference_decides_the_mail_for_each_item(region, officer, choice, mailed):
    coordinator = CoordinatorFactory(regions=[region], work_mail=choice)
    register(workshop_id=WorkshopFactory(region=region, requires_approval=True).pk, officer=officer)
    assert work_mail_recipients() == ([coordinator.email] if mailed else [])


def test_nomination_mails_the_officers_focal_points_then_endorsement_the_coordinators(
    staff, region, officer
):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = register(workshop_id=workshop.pk, officer=officer)
    assert work_mail_recipients() == [staff["focal_point"].email]

    Mail.objects.all().delete()
    endorse_nomination(registration_id=reg.pk, by=staff["focal_point"])
    assert work_mail_recipients() == sorted([staff["coordinator"].email, staff["admin"].email])


def test_a_focal_point_registering_is_not_told_of_their_own_nomination(region, agency):
    focal_point = OfficerFactory(agency=agency, is_focal_point=True)
    other = OfficerFactory(agency=agency, is_focal_point=True)
    register(
        workshop_id=WorkshopFactory(region=region, requires_nomination=True).pk,
        officer=focal_point,
    )
    assert work_mail_recipients() == [other.email]


def test_registration_mails_roll_back_with_the_registration(staff, region, officer):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        register(workshop_id=workshop.pk, officer=officer)
        assert work_mail_recipients()
        raise RuntimeError
    assert not Mail.objects.exists()


def test_a_confirmed_registration_mails_no_staff(staff, region, officer):
    register(workshop_id=WorkshopFactory(region=region).pk, officer=officer)
    assert work_mail_recipients() == []


# --- vetting ---------------------------------------------------------------------------------


def test_officer_to_vet_mails_their_agencys_focal_points(
    staff, agency, django_capture_on_commit_callbacks
):
    newcomer = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_officer_email(user_id=newcomer.pk, email=newcomer.email)
    assert work_mail_recipients() == [staff["focal_point"].email]
    (message,) = sent_to(staff["focal_point"])
    assert f"{SITE}/vetting/{newcomer.pk}/" in message.body
    assert "focal point" in message.alternatives[0][0]


def test_officer_to_vet_without_a_focal_point_mails_the_regions_coordinators(
    staff, region, other_region
):
    agency = AgencyFactory(name="No focal point", region=region)
    newcomer = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    confirm_officer_email(user_id=newcomer.pk, email=newcomer.email)
    assert work_mail_recipients() == sorted([staff["coordinator"].email, staff["admin"].email])


def test_an_auto_verified_officer_mails_nobody(staff, region):
    agency = AgencyFactory(name="Auto", region=region, vetting_mode=Agency.VettingMode.AUTO)
    newcomer = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    confirm_officer_email(user_id=newcomer.pk, email=newcomer.email)
    assert work_mail_recipients() == []


def test_a_suspended_focal_point_is_not_mailed(agency, region, coordinator):
    OfficerFactory(agency=agency, is_focal_point=True, status=User.Status.SUSPENDED)
    newcomer = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    confirm_officer_email(user_id=newcomer.pk, email=newcomer.email)
    # Not a focal point in office: the agency has none, so the coordinators are told.
    assert work_mail_recipients() == [coordinator.email]


# --- curriculum ------------------------------------------------------------------------------


@pytest.fixture
def publisher():
    trainer = TrainerFactory(full_name="Publishing Trainer")
    trainer.user_permissions.add(Permission.objects.get(codename="publish_module"))
    return User.objects.get(pk=trainer.pk)


def test_module_submitted_mails_everyone_with_publish_rights_but_the_author(
    staff, publisher, django_capture_on_commit_callbacks
):
    author = staff["trainer"]
    module = ModuleFactory(authors=[author], title="UTXO basics")
    with django_capture_on_commit_callbacks(execute=True):
        submit_module_for_review(module_id=module.pk, by=author)
    # Coordinators of every region publish; a trainer only with the permission.
    assert work_mail_recipients() == sorted(
        [
            staff["coordinator"].email,
            staff["admin"].email,
            staff["other_coordinator"].email,
            publisher.email,
        ]
    )
    (message,) = sent_to(publisher)
    assert "To review: UTXO basics" == message.subject
    assert f"{SITE}/curriculum/{module.pk}/" in message.body


def test_module_published_and_sent_back_mail_its_authors_not_the_reviewer(
    staff, publisher, django_capture_on_commit_callbacks
):
    author, coauthor = staff["trainer"], TrainerFactory()
    module = ModuleFactory(
        authors=[author, coauthor, publisher], status=Module.Status.IN_REVIEW, title="Mixers"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return_module_to_draft(module_id=module.pk, by=publisher, comment="Cite the sources.")
    assert work_mail_recipients() == sorted([author.email, coauthor.email])
    (message,) = sent_to(author)
    assert "Sent back for changes: Mixers" == message.subject
    assert "Cite the sources." in message.body and "Cite the sources." in message.alternatives[0][0]

    Mail.objects.all().delete()
    mail.outbox.clear()
    submit_module_for_review(module_id=module.pk, by=author)
    Mail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        publish_module(module_id=module.pk, by=publisher)
    assert work_mail_recipients() == sorted([author.email, coauthor.email])
    (message,) = sent_to(coauthor)
    assert "Published: Mixers" == message.subject and "revision 1" in message.body


# --- officers' decision mails say what happens next --------------------------------------------


def test_approval_mail_says_what_happens_next_and_links_to_the_workshop(
    region, officer, coordinator, django_capture_on_commit_callbacks
):
    from registrations.services import approve_registration

    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = register(workshop_id=workshop.pk, officer=officer)
    mail.outbox.clear()
    Mail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        approve_registration(registration_id=reg.pk, by=coordinator)
    # Beside the calendar invitation.
    (message,) = [m for m in sent_to(officer) if "was approved" in m.body]
    link = f"{SITE}/workshops/{workshop.pk}/"
    assert "What happens next:" in message.body and link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]


def test_vetting_approval_mail_links_to_the_catalog(
    agency, coordinator, pending_officer, django_capture_on_commit_callbacks
):
    from attendees.services import approve_officer

    with django_capture_on_commit_callbacks(execute=True):
        approve_officer(officer_id=pending_officer.pk, by=coordinator)
    (message,) = sent_to(pending_officer)
    assert "You can now register for workshops" in message.body
    assert f'href="{SITE}/workshops/"' in message.alternatives[0][0]
