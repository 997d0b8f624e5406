"""Two held workshops with pre- and post-tests and known scores; the hand-computed gain is in
each test's docstring."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from assessments.models import WorkshopTest
from tests.factories import (
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    TrainerFactory,
    WorkshopFactory,
)
from workshops.models import Workshop, WorkshopModule

from .factories import frozen_question, scored, sent_attempt, workshop_test

PRE, POST = WorkshopTest.Kind.PRE, WorkshopTest.Kind.POST


def at(month: int, day: int, hour: int = 1) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def held_workshop(region, *, title, track, module_title, month, trainers=()):
    start = at(month, 10)
    workshop = WorkshopFactory(
        title=title,
        region=region,
        status=Workshop.Status.COMPLETED,
        registration_opens_at=at(1, 1),
        registration_closes_at=at(1, 2),
        sessions=[(start, start + dt.timedelta(hours=3))],
        trainers=list(trainers),
    )
    revision = ModuleRevisionFactory(module__track=track, module__title=module_title)
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    return workshop


# W1 (Asia-Pacific, March): six officers of agency A; (pre, post).
W1_SCORES = [(20, 60), (40, 80), (50, 70), (60, 90), (30, 60), (40, 100)]
# W2 (Europe, May): five officers of agency B, 50 → 75 each.
W2_SCORES = [(50, 75)] * 5


@pytest.fixture
def gain_world(region, other_region, agency, other_agency, trainer):
    crypto = TrackFactory(name="Crypto fundamentals", slug="crypto")
    forensics = TrackFactory(name="Blockchain forensics", slug="forensics")
    w1 = held_workshop(
        region,
        title="Tracing Singapore",
        track=crypto,
        module_title="Tracing basics",
        month=3,
        trainers=[trainer],
    )
    w2 = held_workshop(
        other_region, title="Seizure Lisbon", track=forensics, module_title="Seizure", month=5
    )
    world = SimpleNamespace(w1=w1, w2=w2, trainer=trainer, w1_regs=[], w2_regs=[])
    for workshop, scores, home, regs in (
        (w1, W1_SCORES, agency, world.w1_regs),
        (w2, W2_SCORES, other_agency, world.w2_regs),
    ):
        pre, post = workshop_test(workshop, PRE), workshop_test(workshop, POST, max_attempts=2)
        for n, (pre_score, post_score) in enumerate(scores):
            officer = OfficerFactory(agency=home, full_name=f"{workshop.title} officer {n}")
            reg = RegistrationFactory(workshop=workshop, officer=officer)
            scored(pre, reg, pre_score)
            scored(post, reg, post_score)
            regs.append(reg)
    # Only the best post-test attempt counts: W1's first officer had 30 before their 60.
    first_post = world.w1_regs[0].test_attempts.get(test__kind=POST)
    first_post.number = 2
    first_post.save(update_fields=["number"])
    scored(workshop_test(w1, POST), world.w1_regs[0], 30, number=1)
    # A pre-test alone is no pair; an unsent attempt counts for nothing.
    lone = RegistrationFactory(workshop=w1, officer=OfficerFactory(agency=agency))
    scored(workshop_test(w1, PRE), lone, 10)
    unsent = workshop_test(w1, POST).attempts.create(registration=lone, number=1)
    assert unsent.submitted_at is None
    return world


@pytest.fixture
def item_world(region, agency):
    """W: three officers, two questions. Q1 (objective "Trace"): right, right, wrong;
    Q2 (objective "Seize"): right, wrong, wrong. Totals 100, 50, 0."""
    trainer = TrainerFactory(full_name="Item Trainer")
    workshop = held_workshop(
        region,
        title="Items",
        track=TrackFactory(name="T", slug="t"),
        module_title="M",
        month=3,
        trainers=[trainer],
    )
    q1 = frozen_question(workshop, text="First question", objective="Trace", position=1)
    q2 = frozen_question(workshop, text="Second question", objective="Seize", position=2)
    test = workshop_test(workshop, POST)
    regs = []
    for n, answers in enumerate(
        [[(q1, True), (q2, True)], [(q1, True), (q2, False)], [(q1, False), (q2, False)]]
    ):
        reg = RegistrationFactory(
            workshop=workshop, officer=OfficerFactory(agency=agency, full_name=f"Item officer {n}")
        )
        sent_attempt(test, reg, answers)
        regs.append(reg)
    return SimpleNamespace(workshop=workshop, trainer=trainer, q1=q1, q2=q2, regs=regs)
