"""Writes for the attendees app, one module per concept, re-exported here."""

# --- registration (issue #5) ---
from .registration import (
    BulkResult,
    RegistrationError,
    approve_registration,
    approve_registrations,
    cancel_registration,
    cancel_workshop_registrations,
    decline_registration,
    decline_registrations,
    endorse_nomination,
    fill_free_seats,
    find_clash,
    register,
    reject_nomination,
    remove_registration,
)

# --- end registration ---
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
    # --- registration (issue #5) ---
    "BulkResult",
    "RegistrationError",
    "approve_registration",
    "approve_registrations",
    "cancel_registration",
    "cancel_workshop_registrations",
    "decline_registration",
    "decline_registrations",
    "endorse_nomination",
    "fill_free_seats",
    "find_clash",
    "register",
    "reject_nomination",
    "remove_registration",
    # --- end registration ---
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
