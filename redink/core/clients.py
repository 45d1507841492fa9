"""Who is asking: the client's address, the same for every rate limit, the reading beacon,
takedowns and logins.

Behind proxies, `REMOTE_ADDR` is the nearest proxy's address, and each proxy appends the
address it received from to `X-Forwarded-For`. With `TRUSTED_PROXY_COUNT` proxies of our own
in front (1 behind the documented nginx), the client's address is that many entries from the
right; anything further left was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# IPv6 clients are counted by their /64 network: one household or phone holds a whole /64, so
# counting single addresses would let one client rotate through billions of them.
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str:
    """The client's address, honouring TRUSTED_PROXY_COUNT ("" when there is none at all)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # The request did not come through every proxy (it reached a web process directly), so
        # no entry can be trusted: count it by the address it came from.
        return remote
    return _valid(forwarded[-proxies]) or remote


def client_key(request: HttpRequest) -> str:
    """What rate limits count a client by: its IPv4 address, or its IPv6 /64 network."""
    address = client_ip(request)
    if ":" not in address:
        return address
    return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False).network_address) + f"/{IPV6_PREFIX}"


def _valid(value: str) -> str | None:
    """The address written canonically (an IPv4 address mapped into IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)
