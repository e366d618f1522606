"""The client's address, believed from X-Forwarded-For only as far as our own proxies wrote it.

A proxy appends the address it received the request from. Reading the header from the right and skipping
every hop that is one of TRUSTED_PROXIES gives the first address no proxy of ours vouches for: the client.
Whatever a client writes into the header itself lies further left and is never reached. A request that
does not come from a trusted proxy is taken at its REMOTE_ADDR, whatever the header says.

The one rule for who the client is: django-axes counts failed sign-ins per address through `client_ip`
(AXES_CLIENT_IP_CALLABLE), so behind a load balancer one attacker cannot lock an editor out for everyone,
and the read API counts its anonymous clients by the same address (articles/api/ratelimit.py).
"""

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def trusted(address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not trusted(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    nearest = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not written by a proxy of ours: the last address a trusted hop vouched for stands.
            return str(nearest)
        if not trusted(address):
            return str(address)
        nearest = address
    return str(nearest)
