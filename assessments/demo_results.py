"""Demo test results: the demo's past workshops get a pre- and a post-test and sent attempts
for their confirmed officers (demo learners added where a workshop has too few), so the
program report's knowledge gain and each workshop's results page show real figures.

Idempotent: learners are keyed by e-mail, tests by (workshop, kind), an officer who already
has an attempt at a test gets none more, and a workshop already given results is left alone.
Answers are drawn from a generator seeded by the registration and the question, so every run
makes the same ones.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attendees.demo import set_email_address
from attendees.models import AgencyDomain, User
from registrations.models import Registration
from workshops.models import Question, Workshop

from .models import Attempt, AttemptAnswer, WorkshopTest

DEMO_PASSWORD = "training-demo-2026"
# Past workshops given results: the most recent ones of each region.
PER_REGION = 2
# Chance of a right answer before and after the workshop, for an average officer.
PRE_RIGHT, POST_RIGHT = 0.45, 0.78


def _learner(n: int, domain: str) -> User:
    agency = AgencyDomain.objects.get(domain=domain).agency
    user, created = User.objects.update_or_create(
        email=f"demo.learner{n}@{domain}",
        defaults={
            "full_name": f"Demo Learner {n}",
            "vetted_name": f"Demo Learner {n}",
            "agency": agency,
            "country": agency.country,
            "rank": "Inspector",
            "status": User.Status.VERIFIED,
            "vetted_at": timezone.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    set_email_address(user, verified=True)
    return user


def _response(question: Question, right: bool):
    if question.kind == Question.Kind.TRUE_FALSE:
        return bool(question.true_answer) == right
    if question.kind == Question.Kind.NUMERIC:
        answer = question.numeric_answer or 0
        return str(answer if right else answer + question.numeric_tolerance + 1)
    correct = question.correct_indices
    if right:
        return correct
    wrong = [i for i in range(len(question.choices or ())) if i not in correct]
    return wrong[:1] or []


def _attempt(test: WorkshopTest, registration: Registration, questions, chance: float, at):
    rng = random.Random(f"{test.kind}:{registration.pk}")
    # Officers differ: some know more than others, before and after.
    ability = rng.uniform(-0.2, 0.2)
    rights = [
        random.Random(f"{test.kind}:{registration.pk}:{q.pk}").random() < chance + ability
        for q in questions
    ]
    score = sum(rights)
    attempt = Attempt.objects.create(
        test=test,
        registration=registration,
        number=1,
        started_at=at - dt.timedelta(minutes=12),
        submitted_at=at,
        score=score,
        max_score=len(questions),
        percent=Attempt.percent_of(score, len(questions)),
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question=q,
            position=i,
            option_order=list(range(len(q.choices or ()))),
            response=_response(q, right),
            answered_at=at,
            correct=right,
        )
        for i, (q, right) in enumerate(zip(questions, rights, strict=True))
    )


@transaction.atomic
def seed() -> list:
    now = timezone.now()
    candidates = (
        Workshop.objects.filter(
            Q(status=Workshop.Status.COMPLETED)
            | Q(status=Workshop.Status.PUBLISHED, ends_at__lt=now)
        )
        .filter(sessions__isnull=False, workshop_modules__isnull=False)
        .distinct()
        .select_related("region")
        .order_by("-ends_at", "pk")
    )
    taken: dict[int, int] = {}
    workshops = []
    for workshop in candidates:
        if taken.get(workshop.region_id, 0) < PER_REGION:
            taken[workshop.region_id] = taken.get(workshop.region_id, 0) + 1
            workshops.append(workshop)
    wanted = settings.FEEDBACK_MIN_ANSWERS + 2
    for index, workshop in enumerate(workshops):
        questions = list(
            Question.objects.filter(revision__workshop_uses__workshop=workshop).order_by(
                "revision__workshop_uses__position", "position", "pk"
            )
        )
        starts, ends = workshop.starts_at, workshop.ends_at
        if not questions or starts is None or ends is None:
            continue
        # Seeded by an earlier run: officers a later demo adds to the workshop (feedback
        # answers) get no results, so a second run changes nothing.
        seeded = (
            Attempt.objects.filter(test__workshop=workshop, test__kind=WorkshopTest.Kind.POST)
            .values("registration")
            .distinct()
            .count()
        )
        if seeded >= wanted:
            continue
        confirmed = list(
            Registration.objects.filter(workshop=workshop, state=Registration.State.CONFIRMED)
        )
        domain = (
            AgencyDomain.objects.filter(agency__region=workshop.region_id)
            .order_by("domain")
            .values_list("domain", flat=True)
            .first()
        )
        if domain is not None:
            for n in range(max(wanted - len(confirmed), 0)):
                learner = _learner(index * 10 + n + 1, domain)
                registration, _created = Registration.objects.get_or_create(
                    workshop=workshop,
                    officer=learner,
                    defaults={
                        "state": Registration.State.CONFIRMED,
                        "confirmed_at": starts - dt.timedelta(days=7),
                    },
                )
                confirmed.append(registration)
        pre, _c = WorkshopTest.objects.get_or_create(workshop=workshop, kind=WorkshopTest.Kind.PRE)
        post, _c = WorkshopTest.objects.get_or_create(
            workshop=workshop, kind=WorkshopTest.Kind.POST
        )
        tried = set(
            Attempt.objects.filter(test__workshop=workshop).values_list(
                "test_id", "registration_id"
            )
        )
        for registration in confirmed:
            if (pre.pk, registration.pk) not in tried:
                _attempt(
                    pre,
                    registration,
                    questions,
                    PRE_RIGHT,
                    starts - dt.timedelta(days=1),
                )
            if (post.pk, registration.pk) not in tried:
                _attempt(
                    post,
                    registration,
                    questions,
                    POST_RIGHT,
                    ends + dt.timedelta(hours=2),
                )
    return []
