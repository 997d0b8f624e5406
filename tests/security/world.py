"""One "world" for the permission matrix: two regions, two agencies, every role and state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from api.services import create_token
from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from attendance import services as attendance_services
from attendance.models import Certificate
from attendees.models import AgencyRequest, User
from credentials.models import CredentialShare
from invites.models import CalendarFeed
from registrations.models import PrerequisiteWaiver, Registration, SeatReservation
from surveys.models import Questionnaire, QuestionnaireVersion
from tests.factories import (
    MaterialFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
    publish_directly,
)
from webhooks.models import Delivery, Endpoint, Event, EventType
from workshops.models import Question, WorkshopModule

ROLES = [
    "anonymous",
    "unconfirmed",
    "pending",
    "suspended",
    "officer_a",
    "officer_b",
    "focal_a",
    "focal_b",
    "trainer_assigned",
    "trainer_other",
    "coord_a",
    "coord_b",
    "admin",
]


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any]

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as err:
            raise AttributeError(name) from err


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def build_world(request) -> World:
    get = request.getfixturevalue
    region, agency = get("region"), get("agency")
    officer = get("officer")
    trainer = get("trainer")
    users = {
        "anonymous": None,
        "unconfirmed": get("unconfirmed_officer"),
        "pending": get("pending_officer"),
        "suspended": get("suspended_officer"),
        "officer_a": officer,
        "officer_b": get("other_agency_officer"),
        "focal_a": get("focal_point"),
        "focal_b": OfficerFactory(
            agency=get("other_agency"), is_focal_point=True, full_name="Focal Point B"
        ),
        "trainer_assigned": trainer,
        "trainer_other": TrainerFactory(full_name="Trainer Tess"),
        "coord_a": get("coordinator"),
        "coord_b": get("other_coordinator"),
        "admin": get("program_admin"),
    }
    workshop = WorkshopFactory(title="Open workshop", region=region, trainers=[trainer])
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    pending_reg = RegistrationFactory(
        workshop=workshop,
        officer=OfficerFactory(agency=agency, full_name="Officer Waiting"),
        state=Registration.State.PENDING,
        confirmed_at=None,
    )
    # Officer A's request awaiting approval, and her place on a full workshop's waitlist.
    requested_reg = RegistrationFactory(
        workshop=WorkshopFactory(title="Approval workshop", region=region, requires_approval=True),
        officer=officer,
        state=Registration.State.PENDING,
        confirmed_at=None,
    )
    full = WorkshopFactory(title="Full workshop", region=region, capacity=1)
    RegistrationFactory(workshop=full, officer=OfficerFactory(agency=agency, full_name="Seated"))
    waitlisted_reg = RegistrationFactory(
        workshop=full,
        officer=officer,
        state=Registration.State.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    # Officer A nominated by her focal point (awaiting her answer), and seats of the open
    # workshop held for agency A.
    offered_reg = RegistrationFactory(
        workshop=WorkshopFactory(title="Nominated workshop", region=region),
        officer=officer,
        state=Registration.State.OFFERED,
        confirmed_at=None,
        nominated_by=users["focal_a"],
        nominated_at=timezone.now(),
    )
    reservation = SeatReservation.objects.create(
        workshop=workshop,
        agency=agency,
        seats=2,
        until=workshop.starts_at - dt.timedelta(days=1),
        created_by=users["coord_a"],
    )
    # Officer A let into the open workshop without its prerequisites.
    waiver = PrerequisiteWaiver.objects.create(
        workshop=workshop, officer=officer, granted_by=users["coord_a"], reason="Trained abroad"
    )
    past = WorkshopFactory(
        title="Closed workshop",
        region=region,
        trainers=[trainer],
        sessions=[(_hours_ago(52), _hours_ago(48))],
    )
    past_reg = RegistrationFactory(workshop=past, officer=officer)
    for session in past.sessions.all():
        attendance_services.record_marks(
            session_id=session.pk, by=trainer, marks={past_reg.pk: "present"}
        )
    attendance_services.close_workshop(workshop_id=past.pk, by=trainer)
    certificate = Certificate.objects.get(registration=past_reg)
    # Officer A showed her name on it to one verifier.
    share = CredentialShare.objects.create(certificate=certificate, label="Employer")
    module = ModuleFactory(title="UTXO tracing", authors=[trainer])
    publish_directly(module)
    material = MaterialFactory(module=module)
    # The module's bank: a working-copy question and its frozen copy in the published revision.
    question = Question.objects.create(
        module=module,
        kind=Question.Kind.TRUE_FALSE,
        text="A UTXO can be spent twice.",
        true_answer=False,
    )
    frozen_question = Question.objects.create(
        module=module,
        revision=module.published_revision,
        key=question.key,
        kind=question.kind,
        text=question.text,
        true_answer=False,
    )
    WorkshopModule.objects.create(workshop=past, revision=module.published_revision)
    # The open workshop's pre-test; the closed one's post-test, sent by officer A.
    pre_test = WorkshopTest.objects.create(workshop=workshop, kind=WorkshopTest.Kind.PRE)
    post_test = WorkshopTest.objects.create(workshop=past, kind=WorkshopTest.Kind.POST)
    attempt = Attempt.objects.create(
        test=post_test,
        registration=past_reg,
        submitted_at=timezone.now(),
        score=1,
        max_score=1,
        percent=100,
    )
    AttemptAnswer.objects.create(
        attempt=attempt, question=frozen_question, position=1, response=False, correct=True
    )
    questionnaire = Questionnaire.objects.create(kind=Questionnaire.Kind.FEEDBACK)
    questionnaire.current_version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        questions=[{"key": "q1", "kind": "text", "text": "What was missing?", "required": False}],
    )
    questionnaire.save(update_fields=["current_version"])
    feed = CalendarFeed.objects.create(user=officer)
    # Focal point A asks for agency A's profile to change (a coordinator of region A decides).
    agency_request = AgencyRequest.objects.create(
        agency=agency,
        kind=AgencyRequest.Kind.ADD_DOMAIN,
        value="new.agency-a.example.org",
        requested_by=users["focal_a"],
    )
    api_token = create_token(
        user=officer, name="HR system", access="read", days=30, second_factor_verified=False
    ).token
    # Coordinator A's webhook endpoint and one delivery in its log.
    endpoint = Endpoint.objects.create(
        owner=users["coord_a"],
        url="https://hooks.example.com/hook",
        event_types=[EventType.REGISTRATION_CHANGED],
        secret="whsec_world",
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.objects.create(type=EventType.PING), status="failed"
    )
    objects = {
        "api_token": api_token,
        "region": region,
        "agency": agency,
        "other_agency": get("other_agency"),
        "workshop": workshop,
        "session": workshop.sessions.first(),
        "registration": registration,
        "pending_registration": pending_reg,
        "requested_registration": requested_reg,
        "waitlisted_registration": waitlisted_reg,
        "offered_registration": offered_reg,
        "reservation": reservation,
        "waiver": waiver,
        "past_workshop": past,
        "past_registration": past_reg,
        "certificate": certificate,
        "share": share,
        "module": module,
        "material": material,
        "question": question,
        "frozen_question": frozen_question,
        "pre_test": pre_test,
        "post_test": post_test,
        "attempt": attempt,
        "questionnaire": questionnaire,
        "feed": feed,
        "officer": officer,
        "agency_request": agency_request,
        "endpoint": endpoint,
        "delivery": delivery,
    }
    # Sanity: the world is what the expectations assume.
    assert officer.status == User.Status.VERIFIED
    return World(users=users, objects=objects)
