"""The client's address as a keyed hash, for the per-address limit on new cases: the raw IP never
leaves the channel. X-Forwarded-For counts only when the request comes from a trusted proxy
(LOTSE_TRUSTED_PROXIES, addresses or networks, comma-separated); otherwise anyone could set it.
IPv6 clients are counted per /64, the block one connection usually gets."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass
from typing import Optional, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
IPV6_PREFIX = 64


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class ClientKeys:
    secret: bytes
    trusted_proxies: Tuple[Network, ...]

    @classmethod
    def from_env(cls) -> "ClientKeys":
        """LOTSE_CLIENT_KEY_SECRET keeps keys stable across restarts; unset, a random one per process."""
        configured = os.environ.get("LOTSE_CLIENT_KEY_SECRET", "")
        proxies = [part.strip() for part in os.environ.get("LOTSE_TRUSTED_PROXIES", "").split(",") if part.strip()]
        return cls(
            secret=configured.encode() if configured else secrets.token_bytes(32),
            trusted_proxies=tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies),
        )

    def _trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in self.trusted_proxies)

    def client_address(self, peer: str, forwarded_for: Optional[str]) -> str:
        """The peer, or behind trusted proxies the right-most untrusted hop of X-Forwarded-For."""
        if not forwarded_for or not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        return next((hop for hop in reversed(hops) if not self._trusted(hop)), hops[0] if hops else peer)

    def key(self, peer: str, forwarded_for: Optional[str]) -> str:
        address = self.client_address(peer, forwarded_for)
        parsed = _address(address)
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
            address = str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
        elif parsed is not None:
            address = str(parsed.ipv4_mapped or parsed) if isinstance(parsed, ipaddress.IPv6Address) else str(parsed)
        return hmac.new(self.secret, address.encode(), hashlib.sha256).hexdigest()
