"""The e-mails about accounts, rendered in the recipient's language when the
change they report is made (so each says what that change did, whatever happens next)."""

from __future__ import annotations

from django.core.mail import EmailMessage

from trainingsite.mail import build_templated_email

from .models import OnboardingRequest, User, VettingDecision


def vetting_decision_mail(decision: VettingDecision) -> EmailMessage:
    officer = decision.officer
    return build_templated_email(
        to=officer.email,
        template="attendees/email/vetting_decision",
        context={"decision": decision, "officer": officer},
        language=officer.language,
    )


def reconfirm_mail(*, officer: User, url: str, hours: int) -> EmailMessage:
    return build_templated_email(
        to=officer.email,
        template="attendees/email/reconfirm",
        context={"officer": officer, "url": url, "hours": hours},
        language=officer.language,
    )


def mfa_enrolment_mail(*, user: User, to: str, url: str, minutes: int) -> EmailMessage:
    return build_templated_email(
        to=to,
        template="attendees/email/mfa_enrolment",
        context={"member": user, "url": url, "minutes": minutes},
        language=user.language,
    )


def onboarding_request_mail(*, request: OnboardingRequest, to: User) -> EmailMessage:
    return build_templated_email(
        to=to.email,
        template="attendees/email/onboarding_request",
        context={"request": request},
        language=to.language,
    )


def officer_to_vet_mail(*, officer: User, to: User) -> EmailMessage:
    """To a focal point (or coordinator): a newcomer waits to be vetted."""
    return build_templated_email(
        to=to.email,
        template="attendees/email/officer_to_vet",
        context={"officer": officer, "member": to},
        language=to.language,
        time_zone=to.time_zone,
    )
