"""Writes for the attendees app, one module per concept, re-exported here."""

from .vetting import (
    VettingError,
    approve_officer,
    assign_agency_from_email,
    confirm_officer_email,
    reinstate_officer,
    reject_officer,
    renew_vetting,
    submit_onboarding_request,
    suspend_officer,
)

__all__ = [
    "VettingError",
    "approve_officer",
    "assign_agency_from_email",
    "confirm_officer_email",
    "reinstate_officer",
    "reject_officer",
    "renew_vetting",
    "submit_onboarding_request",
    "suspend_officer",
]
