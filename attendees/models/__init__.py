from .access import AccessState, access_state, prime_access_states
from .agency import Agency, AgencyDomain, AgencyEvent, OnboardingRequest, Region
from .user import User, VettingDecision

__all__ = [
    "AccessState",
    "Agency",
    "AgencyDomain",
    "AgencyEvent",
    "OnboardingRequest",
    "Region",
    "User",
    "VettingDecision",
    "access_state",
    "prime_access_states",
]
