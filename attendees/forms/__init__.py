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
from .registration import BulkDecisionForm, NominationDecisionForm, RegistrationDecisionForm

__all__ = [
    "AgencyDomainForm",
    "AgencyFilterForm",
    "AgencyStatusForm",
    "BulkDecisionForm",
    "NameDecisionForm",
    "NominationDecisionForm",
    "OnboardingRequestForm",
    "ProfileForm",
    "RegistrationDecisionForm",
    "SignupProfileForm",
    "VettingDecisionForm",
    "VettingFilterForm",
    "VettingModeForm",
]
