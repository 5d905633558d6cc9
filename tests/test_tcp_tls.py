"""tcp:// and tcp:// with TLS (DOCKER_TLS_VERIFY + DOCKER_CERT_PATH), through a relay on
127.0.0.1 in front of the fake engine: the same client, the same calls, the same events."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import wait_for
from fake_engine import FakeEngine

from genet_rx.api import containers
from genet_rx.api.client import EngineClient
from genet_rx.api.events import events
from genet_rx.errors import EngineUnreachable
from genet_rx.model.events import Event
from genet_rx.wire.transport import tls_context


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for IP 127.0.0.1 and a client certificate, as the docker CLI
    lays them out: ca.pem, cert.pem, key.pem (client) and server-*.pem."""
    d = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ca",
            "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=d)
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    (d / "elsewhere.cnf").write_text("subjectAltName=IP:127.0.0.2,DNS:elsewhere.example\n")
    (d / "client.cnf").write_text("extendedKeyUsage=clientAuth\n")
    for name, ext in (("server", "san.cnf"), ("client", "client.cnf"),
                      ("elsewhere", "elsewhere.cnf")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{name}-key.pem", "-out", f"{name}.csr", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-days", "1", "-extfile", ext, "-out", f"{name}.pem", cwd=d)
    (d / "cert.pem").write_bytes((d / "client.pem").read_bytes())
    (d / "key.pem").write_bytes((d / "client-key.pem").read_bytes())
    return d


class Relay:
    """127.0.0.1:<port> → the fake engine's unix socket, optionally behind TLS."""

    def __init__(self, unix_path: str, tls: ssl.SSLContext | None) -> None:
        self._path, self._tls = unix_path, tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshake_errors: list[str] = []
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        if self._tls is not None:
            try:
                conn = self._tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                self.handshake_errors.append(str(exc))
                conn.close()
                return
        upstream = socket.socket(socket.AF_UNIX)
        upstream.connect(self._path)
        self._open += [conn, upstream]
        threading.Thread(target=self._pump, args=(upstream, conn), daemon=True).start()
        self._pump(conn, upstream)

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()
        for s in self._open:
            with contextlib.suppress(OSError):
                s.close()


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        f.add_container("web")
        yield f


def exercise(client: EngineClient, fake: FakeEngine) -> None:
    """Negotiate, list, act, and follow an event: the whole client over this transport."""
    assert client.negotiate() == "1.41"
    cid = next(c["Id"] for c in containers.listing(client) if c["Names"] == ["/web"])
    got: list[Event] = []
    sub = events(client, filters={"type": ["container"]}).subscribe(on_next=got.append)
    try:
        fake.wait_subscribed()
        containers.pause(client, cid)
        wait_for(lambda: [e.action for e in got] == ["pause"], 10, "the pause event")
    finally:
        sub.dispose()


def test_plain_tcp(fake: FakeEngine) -> None:
    relay = Relay(fake.socket_path, None)
    try:
        client = EngineClient(f"tcp://127.0.0.1:{relay.port}", env={})
        assert client.endpoint.host_header == f"127.0.0.1:{relay.port}"
        exercise(client, fake)
        assert fake.requests[-1].headers["host"] == f"127.0.0.1:{relay.port}"
    finally:
        relay.close()


def test_tls_with_client_certificates(fake: FakeEngine, certs: Path) -> None:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs / "ca.pem"))
    server.load_cert_chain(certs / "server.pem", certs / "server-key.pem")
    server.verify_mode = ssl.CERT_REQUIRED  # the engine's --tlsverify: a client cert or no
    relay = Relay(fake.socket_path, server)
    try:
        env = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)}
        client = EngineClient(f"tcp://127.0.0.1:{relay.port}", env=env)
        assert client.endpoint.tls
        exercise(client, fake)
        assert relay.handshake_errors == []
    finally:
        relay.close()


def test_tls_with_an_unknown_ca_is_refused_with_a_hint(fake: FakeEngine, certs: Path,
                                                       tmp_path: Path) -> None:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(certs / "server.pem", certs / "server-key.pem")
    relay = Relay(fake.socket_path, server)
    try:
        other = tmp_path / "other"
        other.mkdir()
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=other", "-keyout", "key.pem", "-out", "ca.pem", cwd=other)
        (other / "cert.pem").write_bytes((other / "ca.pem").read_bytes())
        env = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(other)}
        with pytest.raises(EngineUnreachable, match="DOCKER_CERT_PATH"):
            EngineClient(f"tcp://127.0.0.1:{relay.port}", env=env).negotiate()
        assert fake.requests == []  # nothing reached the engine
    finally:
        relay.close()


def test_tcp_refused_says_so() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(EngineUnreachable, match="refused"):
        EngineClient(f"tcp://127.0.0.1:{port}", env={}).negotiate()


def test_a_server_certificate_for_another_host_is_refused(fake: FakeEngine, certs: Path) -> None:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs / "ca.pem"))
    server.load_cert_chain(certs / "elsewhere.pem", certs / "elsewhere-key.pem")
    relay = Relay(fake.socket_path, server)
    try:
        env = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)}
        with pytest.raises(EngineUnreachable, match="mismatch"):
            EngineClient(f"tcp://127.0.0.1:{relay.port}", env=env).negotiate()
        assert fake.requests == []  # nothing reached the engine
    finally:
        relay.close()


def test_only_the_engines_ca_is_trusted(certs: Path) -> None:
    ctx = tls_context(str(certs))
    assert [ca["subject"] for ca in ctx.get_ca_certs()] == [((("commonName", "ca"),),)]
    assert ctx.check_hostname
    assert ctx.verify_mode is ssl.CERT_REQUIRED


def test_skip_verify_still_sends_the_client_certificate_and_checks_nothing(certs: Path) -> None:
    ctx = tls_context(str(certs), verify=False)
    assert ctx.verify_mode is ssl.CERT_NONE
    assert not ctx.check_hostname
    assert ctx.get_ca_certs() == []
