"""The client's address, trusting X-Forwarded-For only when it comes from our own proxy.

Behind the documented reverse proxy every request reaches gunicorn from the proxy's address,
so REMOTE_ADDR alone would put every client in one bucket (one lockout, one rate limit).
X-Forwarded-For is written by whoever sends the request, though: only the hops added by the
proxies listed in TRUSTED_PROXIES (settings.ANJU_TRUSTED_PROXIES) are believed.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """ "10.0.0.1, 192.168.0.0/24" -> networks; raises ValueError on a bad entry."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


@lru_cache(maxsize=8)
def _networks(value: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(value)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "ANJU_TRUSTED_PROXIES", ())))


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    ip = _ip(address or "")
    if ip is None:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in net for net in trusted_proxies())


def client_ip(request) -> str:
    """The address of the client: REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy, the
    nearest X-Forwarded-For hop that is not itself a trusted proxy (read from the right: the
    left part is whatever the client claimed)."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    address = remote
    for hop in reversed([h for h in hops if h]):
        if _ip(hop) is None:
            break  # garbage from the client side: keep the last address a proxy vouched for
        address = str(_ip(hop))
        if not is_trusted_proxy(address):
            break
    return address
