"""Demo questionnaires: the program's feedback form in two versions with answers to each, a
track's own, a follow-up survey answered by enough officers to show in the program report,
and the demo officer's feedback and follow-up waiting on their dashboard.

Idempotent: each questionnaire is made once, each registration answers once.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from attendance.models import Completion, Feedback, FeedbackModuleRating
from attendance.models.marks import AttendanceStatus, MarkSource
from attendance.services import close_workshop, reopen_workshop
from attendance.services.marking import apply_marks
from attendees.models import User
from registrations.models import Registration, RegistrationEvent
from workshops.models import Track, Workshop

from .access import workshop_track_id
from .models import Questionnaire, QuestionnaireVersion, SurveyInvitation, SurveyResponse
from .services import create_questionnaire, publish_version

DEMO_OFFICER = "officer@spf.example.sg"

FEEDBACK_V1 = [
    {"kind": "rating", "text": "How well did the exercises match your daily work?"},
    {
        "kind": "choice",
        "text": "Was the pace right?",
        "choices": ["Too slow", "About right", "Too fast"],
    },
    {"kind": "text", "text": "What would you add?"},
]
FEEDBACK_V2 = [
    {"kind": "rating", "text": "How well did the exercises match your daily work?"},
    {
        "kind": "choice",
        "text": "Was the pace right?",
        "choices": ["Too slow", "About right", "Too fast"],
    },
    {
        "kind": "multiple",
        "text": "Which tools will you use at work?",
        "choices": ["Block explorers", "Clustering tools", "Exchange requests", "OSINT"],
    },
    {"kind": "text", "text": "What would you add?"},
]
TRACK_FEEDBACK = [
    {"kind": "rating", "text": "How confident are you now tracing funds on-chain?"},
    {
        "kind": "choice",
        "text": "Would you recommend this track to a colleague?",
        "choices": ["Yes", "Maybe", "No"],
    },
]
FOLLOW_UP = [
    {
        "kind": "choice",
        "text": "Have you applied what you learnt in a case?",
        "choices": ["Yes, several times", "Yes, once", "Not yet", "No"],
        "required": True,
    },
    {"kind": "rating", "text": "How useful has the training been in your work since?"},
    {"kind": "text", "text": "How? (optional)"},
]
TEXTS = [
    "More on cross-chain bridges.",
    "A session on writing exchange requests.",
    "Used it to trace a ransomware payment.",
    "",
]


def _keyed(questions: list[dict]) -> list[dict]:
    return [{"key": f"q{i}", "required": False, **q} for i, q in enumerate(questions, start=1)]


def _questionnaire(admin, kind, track, versions, days=None) -> Questionnaire:
    questionnaire = Questionnaire.objects.filter(kind=kind, track=track).first()
    if questionnaire is None:
        questionnaire = create_questionnaire(
            by=admin,
            kind=kind,
            track_id=track.pk if track else None,
            questions=_keyed(versions[0]),
            follow_up_days=days,
        )
        for questions in versions[1:]:
            publish_version(
                questionnaire_id=questionnaire.pk, by=admin, questions=_keyed(questions)
            )
    return questionnaire


def _answers(version: QuestionnaireVersion, n: int) -> dict:
    answers: dict = {}
    for i, q in enumerate(version.questions):
        if q["kind"] == "rating":
            answers[q["key"]] = 5 - (n + i) % 3
        elif q["kind"] == "choice":
            answers[q["key"]] = q["choices"][(n + i) % 3 % len(q["choices"])]
        elif q["kind"] == "multiple":
            answers[q["key"]] = q["choices"][: 1 + (n + i) % 3]
        elif TEXTS[n % len(TEXTS)]:
            answers[q["key"]] = TEXTS[n % len(TEXTS)]
    return answers


# Attendees the busiest past workshop should have, so its answers pass FEEDBACK_MIN_ANSWERS.
ROSTER = 11


def _fill_roster(workshop: Workshop, admin: User) -> Workshop:
    """Enough verified officers on the workshop's roster, attended and with feedback: it is
    re-opened, marked and closed again through attendance's services, as a trainer would."""
    confirmed = Registration.objects.filter(workshop=workshop, state=Registration.State.CONFIRMED)
    missing = ROSTER - confirmed.count()
    if missing > 0:
        officers = list(
            User.objects.filter(status=User.Status.VERIFIED, agency__isnull=False, is_active=True)
            .exclude(email=DEMO_OFFICER)
            .exclude(registrations__workshop=workshop)
            .order_by("pk")[:missing]
        )
        if officers:
            reopen_workshop(workshop_id=workshop.pk, by=admin, reason="Demo: late roster")
            added = []
            for officer in officers:
                registration = Registration.objects.create(
                    workshop=workshop,
                    officer=officer,
                    state=Registration.State.CONFIRMED,
                    confirmed_at=workshop.starts_at,
                )
                RegistrationEvent.objects.create(
                    registration=registration,
                    actor=admin,
                    from_state="",
                    to_state=registration.state,
                    reason="Demo: attended the past workshop",
                )
                added.append(registration.pk)
            for session in workshop.sessions.all():
                apply_marks(
                    session=session,
                    statuses={pk: AttendanceStatus.PRESENT.value for pk in added},
                    by=admin,
                    source=MarkSource.TRAINER,
                )
            close_workshop(workshop_id=workshop.pk, by=admin)
    modules = list(workshop.workshop_modules.all())
    unanswered = confirmed.filter(feedback__isnull=True, completion__attended_minutes__gt=0)
    for n, registration in enumerate(unanswered.exclude(officer__email=DEMO_OFFICER)):
        answer = Feedback.objects.create(
            registration=registration, overall=5 - n % 2, trainer_rating=5 - n % 3
        )
        FeedbackModuleRating.objects.bulk_create(
            FeedbackModuleRating(feedback=answer, workshop_module=wm, usefulness=4 + n % 2)
            for wm in modules
        )
    return workshop


def seed() -> list:
    admin = User.objects.filter(is_program_admin=True, status=User.Status.VERIFIED).first()
    if admin is None:
        return []
    now = timezone.now()
    past = list(
        Workshop.objects.filter(
            Q(status=Workshop.Status.COMPLETED)
            | Q(status=Workshop.Status.PUBLISHED, ends_at__lt=now)
        )
        .filter(attendance_closure__closed_at__isnull=False)
        .order_by("ends_at", "pk")
    )
    if not past:
        return []
    busy = _fill_roster(past[-1], admin)
    feedback = Questionnaire.Kind.FEEDBACK
    program = _questionnaire(admin, feedback, None, [FEEDBACK_V1, FEEDBACK_V2])
    # A track's own form for a track other than the busy workshop's (which keeps the
    # program's two versions, each with enough answers to show).
    busy_track = workshop_track_id(busy.pk)
    tracks = Track.objects.order_by("position", "pk")
    if busy_track is not None:
        tracks = tracks.exclude(pk=busy_track)
    track = tracks.first()
    own_track_id = track.pk if track else None
    if track is not None:
        _questionnaire(admin, feedback, track, [TRACK_FEEDBACK])
    follow_up = _questionnaire(admin, Questionnaire.Kind.FOLLOW_UP, None, [FOLLOW_UP], days=90)

    versions = {v.number: v for v in program.versions.all()}
    track_version = (
        Questionnaire.objects.filter(kind=feedback, track=track)
        .values_list("current_version", flat=True)
        .first()
        if track is not None
        else None
    )
    given = Feedback.objects.filter(registration__workshop__in=past).exclude(
        registration__survey_responses__kind=feedback
    )
    for n, answer in enumerate(given.select_related("registration").order_by("pk")):
        workshop_id = answer.registration.workshop_id
        if track_version and workshop_track_id(workshop_id) == own_track_id:
            version = QuestionnaireVersion.objects.get(pk=track_version)
        else:
            # The older answers were given to version 1, before it changed.
            version = versions[1] if n % 2 else versions[max(versions)]
        SurveyResponse.objects.create(
            registration=answer.registration,
            kind=feedback,
            version=version,
            answers=_answers(version, n),
            submitted_at=answer.submitted_at,
        )

    completed = (
        Completion.objects.filter(registration__workshop__in=past, completed=True)
        .select_related("registration__officer")
        .order_by("pk")
    )
    kind = Questionnaire.Kind.FOLLOW_UP
    survey = follow_up.current_version
    if survey is None:
        return []
    demo_pending = False
    for n, completion in enumerate(completed):
        registration = completion.registration
        if registration.officer.email == DEMO_OFFICER:
            # One survey waits on the demo officer's dashboard.
            if not demo_pending:
                SurveyInvitation.objects.get_or_create(registration=registration, kind=kind)
                demo_pending = True
            continue
        SurveyInvitation.objects.get_or_create(registration=registration, kind=kind)
        if (
            n % 4 != 3
            and not SurveyResponse.objects.filter(registration=registration, kind=kind).exists()
        ):
            SurveyResponse.objects.create(
                registration=registration, kind=kind, version=survey, answers=_answers(survey, n)
            )
    # The demo officer's own feedback was left to fill in: they were reminded.
    for registration in Registration.objects.filter(
        officer__email=DEMO_OFFICER, workshop__in=past, feedback__isnull=True
    ):
        SurveyInvitation.objects.get_or_create(registration=registration, kind=feedback)
    return []
