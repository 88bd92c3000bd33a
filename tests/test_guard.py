"""The suite's own no-network guard: loopback is fine, anything else fails before a packet leaves."""

from __future__ import annotations

import socket

import pytest

# The guard raises conftest.NetworkBlocked, a RuntimeError (pytest imports conftest under its own name).
BLOCKED = "only connect to loopback"



def test_non_loopback_connections_fail() -> None:
    for address in (("192.0.2.1", 80), ("10.1.2.3", 443), ("example.org", 80)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(RuntimeError, match=BLOCKED):
            s.connect(address)
    with pytest.raises(RuntimeError, match=BLOCKED):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_loopback_connections_pass() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            peer, _ = server.accept()
            with peer:
                client.sendall(b"ping")
                assert peer.recv(4) == b"ping"
