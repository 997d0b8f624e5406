from .agency import Agency, AgencyDomain, AgencyEvent, OnboardingRequest, Region
from .user import User, VettingDecision

__all__ = [
    "Agency",
    "AgencyDomain",
    "AgencyEvent",
    "OnboardingRequest",
    "Region",
    "User",
    "VettingDecision",
]
