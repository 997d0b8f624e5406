from .agency import Agency, AgencyDomain, AgencyEvent, OnboardingRequest, Region
from .registration import Registration, RegistrationEvent
from .user import User, VettingDecision

__all__ = [
    "Agency",
    "AgencyDomain",
    "AgencyEvent",
    "OnboardingRequest",
    "Region",
    "Registration",
    "RegistrationEvent",
    "User",
    "VettingDecision",
]
