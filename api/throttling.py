from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from trainingsite.ratelimit import client_key

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (API_RATE_LIMIT); requests without a valid token are throttled by
    address (AddressRateThrottle)."""

    scope = "token"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AddressRateThrottle(AnonRateThrottle):
    """Requests without a token, per client address as every limit of the site counts it
    (behind the trusted proxies; an IPv6 /64 as one)."""

    def get_rate(self) -> str:
        return settings.API_ANON_RATE_LIMIT

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}
