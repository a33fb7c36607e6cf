"""C12: the REST channel passes a keyed hash of the client address, never the address itself;
X-Forwarded-For counts only behind a configured trusted proxy."""

from __future__ import annotations

import pytest

from channels.client_address import ClientKeys


def keys(monkeypatch: pytest.MonkeyPatch, proxies: str = "") -> ClientKeys:
    monkeypatch.setenv("LOTSE_CLIENT_KEY_SECRET", "test-secret")
    monkeypatch.setenv("LOTSE_TRUSTED_PROXIES", proxies)
    return ClientKeys.from_env()


def test_the_key_is_a_keyed_hash_not_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    key = keys(monkeypatch).key("203.0.113.7", None)
    assert "203.0.113.7" not in key and len(key) == 64
    monkeypatch.setenv("LOTSE_CLIENT_KEY_SECRET", "another-secret")
    assert ClientKeys.from_env().key("203.0.113.7", None) != key


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    direct = keys(monkeypatch)
    assert direct.client_address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    proxied = keys(monkeypatch, "10.0.0.0/8, 127.0.0.1")
    assert proxied.client_address("10.1.2.3", "198.51.100.1, 10.0.0.5") == "198.51.100.1"
    assert proxied.client_address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    spoofed = proxied.client_address("10.1.2.3", "1.2.3.4, 198.51.100.1")
    assert spoofed == "198.51.100.1", "a client cannot choose its address by prepending to the header"


def test_ipv6_clients_are_counted_per_64_block(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = keys(monkeypatch)
    assert limits.key("2001:db8:1:2::1", None) == limits.key("2001:db8:1:2:ffff::9", None)
    assert limits.key("2001:db8:1:2::1", None) != limits.key("2001:db8:1:3::1", None)
    assert limits.key("::ffff:203.0.113.7", None) == limits.key("203.0.113.7", None)
