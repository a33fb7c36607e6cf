"""The real client address behind the reverse proxy, for the per-address login delay.

`X-Forwarded-For` counts only when the peer is one of `LOTSE_TRUSTED_PROXIES` (addresses or networks,
comma-separated); then the right-most hop that is not a trusted proxy is the client. Without that,
anyone could set the header, and every request behind the proxy would share the proxy's address."""

import ipaddress
from functools import lru_cache

from sanic import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(setting: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip())


def _is_trusted(text: str, networks: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(request: Request) -> str:
    peer = request.conn_info.client_ip if request.conn_info else request.ip
    networks = trusted_networks(request.app.ctx.settings.trusted_proxies)
    forwarded = request.headers.get("x-forwarded-for", "")
    if not forwarded or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return next((hop for hop in reversed(hops) if not _is_trusted(hop, networks)), hops[0] if hops else peer)
