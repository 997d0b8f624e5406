from .accounts import (
    AgencyDomainForm,
    AgencyFilterForm,
    AgencyStatusForm,
    OnboardingRequestForm,
    ProfileForm,
    SignupProfileForm,
    VettingDecisionForm,
    VettingFilterForm,
    VettingModeForm,
)
from .registration import BulkDecisionForm, NominationDecisionForm, RegistrationDecisionForm

__all__ = [
    "AgencyDomainForm",
    "AgencyFilterForm",
    "AgencyStatusForm",
    "BulkDecisionForm",
    "NominationDecisionForm",
    "OnboardingRequestForm",
    "ProfileForm",
    "RegistrationDecisionForm",
    "SignupProfileForm",
    "VettingDecisionForm",
    "VettingFilterForm",
    "VettingModeForm",
]
