import re

from django.views.debug import SafeExceptionReporterFilter


class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CredentialsFilter(SafeExceptionReporterFilter):
    """Django's filter for error pages and reports, also hiding values that embed credentials:
    URLs (EMAIL_URL, DATABASE_URL, REDIS_URL, the broker's) and cache locations."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|LOCATION", flags=re.IGNORECASE
    )
