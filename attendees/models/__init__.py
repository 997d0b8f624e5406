from .agency import Agency, AgencyDomain, OnboardingRequest, Region
from .registration import Registration, RegistrationEvent
from .user import User, VettingDecision

__all__ = [
    "Agency",
    "AgencyDomain",
    "OnboardingRequest",
    "Region",
    "Registration",
    "RegistrationEvent",
    "User",
    "VettingDecision",
]
