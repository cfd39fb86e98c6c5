"""The suite's own guard: a test that tries to leave the machine fails loudly."""

import socket

import pytest


def test_connect_to_public_address_is_refused() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match="must not reach the network"):
        sock.connect(("93.184.215.14", 443))


def test_dns_lookup_of_public_name_is_refused() -> None:
    with pytest.raises(OSError, match="must not reach the network"):
        socket.getaddrinfo("api.zimun.online", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())
