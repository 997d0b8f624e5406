from .accounts import OnboardingRequestForm, SignupProfileForm, VettingDecisionForm

__all__ = ["OnboardingRequestForm", "SignupProfileForm", "VettingDecisionForm"]
