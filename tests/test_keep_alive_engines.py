"""Keep-alive on real engines: short calls in a row ride one connection over the private
daemon's unix socket and over the TLS daemon (one handshake), commands and their error
answers included. (Over ssh: tests/test_ssh.py counts the dial-stdio processes.)"""

from __future__ import annotations

from typing import Any

import pytest
from dockerd import IMAGE, TlsDaemon

from genet_rx.api import containers, system
from genet_rx.api.client import EngineClient
from genet_rx.errors import NotModified

pytestmark = pytest.mark.engine


def count_connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every transport an EngineClient opens from now on (the real ones, noted as they go)."""
    opened: list[Any] = []
    real = EngineClient._connect

    def noting(self: EngineClient, timeout: float | None) -> Any:
        opened.append(real(self, timeout))
        return opened[-1]

    monkeypatch.setattr(EngineClient, "_connect", noting)
    return opened


def test_calls_in_a_row_on_the_unix_socket_use_one_connection(
        engine_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = count_connects(monkeypatch)
    client = EngineClient(engine_url)
    client.negotiate()
    for _ in range(10):
        containers.listing(client)
        system.info(client)
    assert len(opened) == 1


def test_commands_and_their_bodiless_answers_keep_the_connection(
        engine_url: str, docker, unique_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = count_connects(monkeypatch)
    client = EngineClient(engine_url)
    cid = containers.create(client, {"Image": IMAGE, "Cmd": ["sleep", "300"]},
                            unique_name)["Id"]
    containers.start(client, cid)
    with pytest.raises(NotModified):
        containers.start(client, cid)  # 304, no body
    containers.remove(client, cid, force=True)
    assert len(opened) == 1


def test_calls_in_a_row_over_tls_use_one_connection(
        tls_daemon: TlsDaemon, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = count_connects(monkeypatch)
    client = EngineClient(tls_daemon.url, env={"DOCKER_TLS_VERIFY": "1",
                                               "DOCKER_CERT_PATH": str(tls_daemon.client)})
    client.negotiate()
    for _ in range(10):
        containers.listing(client)
    assert len(opened) == 1


def test_closing_the_client_closes_its_kept_connection(
        engine_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = count_connects(monkeypatch)
    client = EngineClient(engine_url)
    system.ping(client)
    client.close()
    assert opened[0].dropped()
