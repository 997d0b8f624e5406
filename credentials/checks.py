"""System checks: a deployment that cannot sign credentials is told so before it starts."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .keys import did_web, key_ring

# The Bitstring Status List's minimum: fewer bits would let the list tell holders apart.
MINIMUM_STATUS_LIST_SIZE = 131_072


@register(Tags.security)
def check_credential_keys(app_configs, **kwargs):
    try:
        ring = key_ring()
        did_web(settings.SITE_URL)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="credentials.E002")]
    messages = []
    if ring.current is None:
        messages.append(
            Error(
                "CREDENTIAL_SIGNING_KEY is not set: certificates cannot be issued as signed "
                "Open Badges credentials.",
                hint="Run `manage.py credential_key <key id>` and set the line it prints.",
                id="credentials.E001",
            )
        )
    if settings.CREDENTIAL_STATUS_LIST_SIZE < MINIMUM_STATUS_LIST_SIZE:
        messages.append(
            Warning(
                "CREDENTIAL_STATUS_LIST_SIZE is below 131072 bits: the status list gives "
                "holders less privacy than the Bitstring Status List asks.",
                id="credentials.W001",
            )
        )
    return messages
