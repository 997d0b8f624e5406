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

__all__ = [
    "AgencyDomainForm",
    "AgencyFilterForm",
    "AgencyStatusForm",
    "OnboardingRequestForm",
    "ProfileForm",
    "SignupProfileForm",
    "VettingDecisionForm",
    "VettingFilterForm",
    "VettingModeForm",
]
