"""Writes for the attendees app, one module per concept, re-exported here."""

from .agencies import (
    AgencyError,
    add_agency_domain,
    normalize_domain,
    reactivate_agency,
    record_agency_event,
    remove_agency_domain,
    set_focal_point,
    set_vetting_mode,
    suspend_agency,
)
from .agency_requests import (
    AgencyRequestError,
    decide_agency_request,
    request_agency_change,
    withdraw_agency_request,
)
from .enrolment import (
    EnrolmentLink,
    EnrolmentLinkError,
    check_enrolment_token,
    enrolment_address,
    send_enrolment_link,
)
from .names import accept_name_change, decline_name_change
from .profile import set_language, update_profile
from .reconfirm import (
    ReconfirmError,
    check_reconfirm_token,
    make_reconfirm_token,
    reconfirm_agency_email,
    send_reconfirmation_email,
)
from .roles import record_role_change, role_snapshot
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
from .work_mail import each_item_recipients, queue_work_mails, queue_work_renders

__all__ = [
    "AgencyError",
    "AgencyRequestError",
    "decide_agency_request",
    "request_agency_change",
    "withdraw_agency_request",
    "EnrolmentLink",
    "EnrolmentLinkError",
    "ReconfirmError",
    "VettingError",
    "accept_name_change",
    "add_agency_domain",
    "approve_officer",
    "assign_agency_from_email",
    "check_enrolment_token",
    "check_reconfirm_token",
    "confirm_officer_email",
    "decline_name_change",
    "each_item_recipients",
    "enrolment_address",
    "make_reconfirm_token",
    "normalize_domain",
    "queue_work_mails",
    "queue_work_renders",
    "reactivate_agency",
    "record_agency_event",
    "reconfirm_agency_email",
    "record_role_change",
    "reinstate_officer",
    "reject_officer",
    "remove_agency_domain",
    "renew_vetting",
    "role_snapshot",
    "send_enrolment_link",
    "send_reconfirmation_email",
    "set_focal_point",
    "set_vetting_mode",
    "submit_onboarding_request",
    "suspend_agency",
    "suspend_officer",
    "set_language",
    "update_profile",
]
