from .access import AccessState, access_state, prime_access_states
from .agency import (
    Agency,
    AgencyDomain,
    AgencyEvent,
    AgencyRequest,
    OnboardingRequest,
    Region,
)
from .user import User, VettingDecision

__all__ = [
    "AccessState",
    "Agency",
    "AgencyDomain",
    "AgencyEvent",
    "AgencyRequest",
    "OnboardingRequest",
    "Region",
    "User",
    "VettingDecision",
    "access_state",
    "prime_access_states",
]
