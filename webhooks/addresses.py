"""Where a webhook may be sent: the guard against requests to the site's own network (SSRF).

A URL is https (http only for a host on WEBHOOK_ALLOWED_HOSTS), names no user or password,
and every address its host resolves to is a public one: no private, loopback, link-local
(cloud metadata at 169.254.169.254), shared, multicast, reserved or unspecified address, IPv4
or IPv6 (an IPv4 address mapped into IPv6 is judged as IPv4). It is checked when the endpoint
is saved and again at each delivery, and the delivery connects to the address it checked, so a
name that resolves elsewhere a second later (DNS rebinding) is never asked for.
WEBHOOK_ALLOWED_HOSTS lifts the https and address rules for the hosts it lists (tests, a
developer's receiver on 127.0.0.1); it is empty by default.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from trainingsite.errors import ServiceError


class UnsafeURL(ServiceError):
    pass


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `address`, present `host` (TLS name and Host header)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this to stand in for DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_allowed_host(host: str) -> bool:
    allowed = {name.lower().strip("[]") for name in settings.WEBHOOK_ALLOWED_HOSTS}
    return host.lower() in allowed


def check_url(url: str) -> Target:
    """The URL's parts and the address to connect to; UnsafeURL with a message for the
    owner if it may not be called."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise UnsafeURL(_("This is not a valid URL.")) from err
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeURL(_("The URL needs a host name."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("The URL may not contain a user name or password."))
    allowed = is_allowed_host(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and allowed):
        raise UnsafeURL(_("The URL must start with https://."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as err:
        raise UnsafeURL(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from err
    if not addresses:
        raise UnsafeURL(_("The host name %(host)s could not be resolved.") % {"host": host})
    if not allowed and not all(is_public(address) for address in addresses):
        raise UnsafeURL(
            _("%(host)s resolves to a private or reserved address: only public hosts are called.")
            % {"host": host}
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
