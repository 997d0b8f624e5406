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

__all__ = [
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
