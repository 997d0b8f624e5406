"""The e-mails about accounts, rendered in the recipient's language when the
change they report is made (so each says what that change did, whatever happens next)."""

from __future__ import annotations

from django.core.mail import EmailMessage

from trainingsite.mail import build_templated_email

from .models import AgencyRequest, OnboardingRequest, User, VettingDecision


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


def agency_request_mail(request_id: int, member_id: int) -> EmailMessage:
    """To a coordinator of the agency's region: a focal point asks for a change to the
    agency's profile. Rendered when sent (outbox.services.queue_render)."""
    request = AgencyRequest.objects.select_related("agency__region", "requested_by", "officer").get(
        pk=request_id
    )
    member = User.objects.get(pk=member_id)
    return build_templated_email(
        to=member.email,
        template="attendees/email/agency_request",
        context={"request": request, "agency": request.agency, "member": member},
        language=member.language,
        time_zone=member.time_zone,
    )


def agency_request_decision_mail(*, request: AgencyRequest, to: User) -> EmailMessage:
    """To the focal point who asked: a coordinator approved or declined their request."""
    return build_templated_email(
        to=to.email,
        template="attendees/email/agency_request_decision",
        context={"request": request, "agency": request.agency, "member": to},
        language=to.language,
        time_zone=to.time_zone,
    )
