from .accounts import OnboardingRequestForm, SignupProfileForm, VettingDecisionForm

# --- registration (issue #5) ---
from .registration import BulkDecisionForm, NominationDecisionForm, RegistrationDecisionForm

# --- end registration ---

__all__ = [
    "BulkDecisionForm",
    "NominationDecisionForm",
    "RegistrationDecisionForm",
    "OnboardingRequestForm",
    "SignupProfileForm",
    "VettingDecisionForm",
]
