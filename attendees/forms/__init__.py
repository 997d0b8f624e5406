from .accounts import (
    AgencyDomainForm,
    AgencyFilterForm,
    AgencyStatusForm,
    NameDecisionForm,
    OnboardingRequestForm,
    ProfileForm,
    SignupProfileForm,
    VettingDecisionForm,
    VettingFilterForm,
    VettingModeForm,
)
from .agency_requests import (
    REQUEST_FORMS,
    AddDomainRequestForm,
    AgencyRequestDecisionForm,
    FocalPointRequestForm,
    RemoveDomainRequestForm,
    VettingModeRequestForm,
)

__all__ = [
    "REQUEST_FORMS",
    "AddDomainRequestForm",
    "AgencyRequestDecisionForm",
    "FocalPointRequestForm",
    "RemoveDomainRequestForm",
    "VettingModeRequestForm",
    "AgencyDomainForm",
    "AgencyFilterForm",
    "AgencyStatusForm",
    "NameDecisionForm",
    "OnboardingRequestForm",
    "ProfileForm",
    "SignupProfileForm",
    "VettingDecisionForm",
    "VettingFilterForm",
    "VettingModeForm",
]
