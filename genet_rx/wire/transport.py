"""The transport seam: the only module of genet_rx that touches sockets.

Everything above speaks to a :class:`Transport` — ``send``, ``recv``, ``settimeout``,
``close``, and ``dropped`` (may a kept-alive connection carry another request?) — obtained
from :func:`open_transport` for an :class:`Endpoint`. A new kind of host (``tcp://`` with
TLS, ``ssh://`` via ``docker system dial-stdio``, a Windows named pipe) is a new ``Transport``
and a new branch in :func:`open_transport`; nothing above changes.
:class:`MemoryTransport` is the in-memory double the tests use.

``close`` may be called from another thread while ``recv`` blocks: it shuts the socket down
first, which wakes the blocked ``recv`` with end-of-stream instead of leaving it hanging.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import ssl
import threading
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

from msgspec import Struct

from genet_rx.errors import EngineTimeout, EngineUnreachable, HostError
from genet_rx.wire.hosts import resolve_host
from genet_rx.wire.npipe import open_windows_pipe, pipe_path
from genet_rx.wire.ssh import ProcessTransport, SshTarget, control_dir, ssh_command


class Transport(Protocol):
    def send(self, data: bytes) -> None: ...

    def recv(self, max_bytes: int = 65536) -> bytes:
        """Up to ``max_bytes``; ``b""`` at end of stream (also after ``close``)."""
        ...

    def settimeout(self, seconds: float | None) -> None: ...

    def dropped(self) -> bool:
        """Asked between two requests (never while one is in flight): the peer closed the
        connection, or sent something nobody asked for, so it cannot carry another request."""
        ...

    def close(self) -> None:
        """Release the connection; safe from any thread, safe to call twice."""
        ...


class Endpoint(Struct, frozen=True):
    """Where the engine is. ``url`` is what the person gave, normalised."""

    url: str
    scheme: str  # "unix" | "tcp" | "ssh"
    address: str  # socket path, "host:port", or the ssh host
    tls: bool = False
    cert_path: str | None = None
    ssh: SshTarget | None = None
    verify: bool = True  # False only when a context says SkipTLSVerify: shown as unverified

    @property
    def host_header(self) -> str:
        # Go's server rejects HTTP/1.1 without Host; over a socket or dial-stdio any name does.
        return self.address if self.scheme == "tcp" else "docker"


def parse_host(url: str | None, env: Mapping[str, str] | None = None) -> Endpoint:
    """The endpoint for an explicit ``--host``, else as the docker CLI chooses (see hosts.py).

    Raises :class:`HostError` for a value Genet cannot use, with the reason in plain words.
    """
    env = os.environ if env is None else env
    chosen = resolve_host(url, env)
    raw, tls_dir = chosen.url.strip(), chosen.tls_dir
    if "://" not in raw:
        raise HostError(f"{raw!r} is not a host URL: use unix:///path/to/docker.sock "
                        "or tcp://host:port")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme == "unix":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path.startswith("/"):
            raise HostError(f"{raw!r}: a unix socket path must be absolute")
        if "\0" in path:
            raise HostError(f"{raw!r}: the socket path holds a NUL byte")
        return Endpoint(url=f"unix://{path}", scheme="unix", address=path)
    if scheme in ("tcp", "http", "https"):
        port = _port(raw, parts)
        if not parts.hostname:
            raise HostError(f"{raw!r}: no host name")
        if parts.path not in ("", "/"):
            raise HostError(f"{raw!r}: a tcp host takes no path")
        tls = scheme == "https" or bool(env.get("DOCKER_TLS_VERIFY")) or tls_dir is not None
        port = port or (2376 if tls else 2375)
        address = f"{parts.hostname}:{port}"
        return Endpoint(url=f"tcp://{address}", scheme="tcp", address=address, tls=tls,
                        cert_path=tls_dir or env.get("DOCKER_CERT_PATH") or None,
                        verify=not chosen.skip_verify)
    if scheme == "ssh":
        return _ssh_endpoint(raw, parts)
    if scheme == "npipe":
        path = pipe_path(parts.netloc + parts.path if parts.netloc else parts.path)
        return Endpoint(url=raw, scheme="npipe", address=path)
    if scheme == "fd":
        raise HostError(f"{raw!r}: fd:// hosts are not supported")
    raise HostError(f"{raw!r}: unknown scheme {scheme!r} (use unix://, tcp://, ssh:// or "
                    "npipe://)")


def _port(raw: str, parts: SplitResult) -> int | None:
    """The URL's port (None when it names none); a HostError that says what is wrong."""
    try:
        return parts.port
    except ValueError:
        text = parts.netloc.rpartition(":")[2]
        if text.isascii() and text.isdigit():
            raise HostError(f"{raw!r}: the port {int(text)} is out of range (1-65535)") from None
        raise HostError(f"{raw!r}: the port is not a number") from None


def _ssh_endpoint(raw: str, parts: SplitResult) -> Endpoint:
    """``ssh://[user@]host[:port][/socket path]``, as the docker CLI reads it."""
    port = _port(raw, parts)
    host = parts.hostname
    if not host or host.startswith("-"):
        raise HostError(f"{raw!r}: no host name")
    if parts.password is not None or parts.query or parts.fragment:
        raise HostError(f"{raw!r}: an ssh host takes no password, query or fragment")
    path = parts.path if parts.path not in ("", "/") else None
    target = SshTarget(host, parts.username or None, port, path)
    return Endpoint(url=raw, scheme="ssh", address=host, ssh=target)


class SocketTransport:
    """A connected stream socket (AF_UNIX or TCP, optionally TLS-wrapped)."""

    def __init__(self, sock: socket.socket, where: str = "") -> None:
        self._sock = sock
        self._where = where
        self._closed = False
        self._lock = threading.Lock()

    def send(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise EngineTimeout("the engine did not take the request in time") from None
        except ssl.SSLError as exc:
            raise self._refused(exc) from None

    def recv(self, max_bytes: int = 65536) -> bytes:
        try:
            return self._sock.recv(max_bytes)
        except TimeoutError:
            raise EngineTimeout("the engine did not answer in time",
                                "it may be overloaded or hung") from None
        except ssl.SSLError as exc:
            if self._closed:
                return b""
            raise self._refused(exc) from None
        except OSError:
            if self._closed:
                return b""
            raise

    def _refused(self, exc: ssl.SSLError) -> EngineUnreachable:
        # With TLS 1.3 the engine refuses a client certificate after the handshake: it
        # arrives on the first read.
        return EngineUnreachable(f"TLS with {self._where} failed: {exc.reason or exc}",
                                 "the engine refused this client's certificate: check "
                                 "DOCKER_CERT_PATH (cert.pem, key.pem)")

    def settimeout(self, seconds: float | None) -> None:
        self._sock.settimeout(seconds)

    def dropped(self) -> bool:
        # Between requests nothing may arrive: readable means end of stream or stray bytes.
        if self._closed:
            return True
        try:
            readable, _, _ = select.select([self._sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable) or (isinstance(self._sock, ssl.SSLSocket)
                                  and self._sock.pending() > 0)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


def open_transport(endpoint: Endpoint, timeout: float | None = 10.0) -> Transport:
    """Connect to the engine. Raises :class:`EngineUnreachable` with a hint a person can act on."""
    if endpoint.scheme == "unix":
        return _open_unix(endpoint.address, timeout)
    if endpoint.scheme == "npipe":
        return open_windows_pipe(endpoint.address, timeout)
    if endpoint.ssh is not None:
        transport = ProcessTransport(ssh_command(endpoint.ssh, control_dir()), endpoint.url)
        transport.settimeout(timeout)
        return transport
    return _open_tcp(endpoint, timeout)


def _open_unix(path: str, timeout: float | None) -> Transport:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except BaseException as exc:
        sock.close()
        raise _unreachable(path, exc) from None
    return SocketTransport(sock, path)


def _open_tcp(endpoint: Endpoint, timeout: float | None) -> Transport:
    host, _, port = endpoint.address.rpartition(":")
    try:
        sock = socket.create_connection((host, int(port)), timeout=timeout)
    except OSError as exc:
        raise _unreachable(endpoint.address, exc) from None
    if endpoint.tls:
        try:
            ctx = tls_context(endpoint.cert_path, verify=endpoint.verify)
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            raise EngineUnreachable(f"cannot read the TLS files in {endpoint.cert_path}: {exc}",
                                    "check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)") from None
        try:
            sock = ctx.wrap_socket(sock, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            sock.close()
            # The problem first: a chip or a one-line status shows only the start.
            raise EngineUnreachable(
                f"untrusted TLS certificate at {endpoint.address} (CERTIFICATE_VERIFY_FAILED: "
                f"{exc.verify_message})",
                "the engine's certificate is not signed by the CA in ca.pem or does not name "
                "this host: check DOCKER_CERT_PATH or the context's CA") from None
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            raise EngineUnreachable(f"TLS with {endpoint.address} failed: {exc}",
                                    "check DOCKER_CERT_PATH and DOCKER_TLS_VERIFY") from None
    return SocketTransport(sock, endpoint.address)


def tls_context(cert_path: str | None, verify: bool = True) -> ssl.SSLContext:
    """Verification as the docker CLI does it: the engine's certificate must chain to the
    engine's own CA (``ca.pem`` — only that one, never the system's roots) and name the host.
    Without a cert path, the system's roots. ``verify=False`` (a context's SkipTLSVerify, and
    nothing else) still sends the client certificate but checks nothing of the engine's."""
    if not cert_path:
        ctx = ssl.create_default_context()
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED and check_hostname
        if verify:
            ctx.load_verify_locations(os.path.join(cert_path, "ca.pem"))
        ctx.load_cert_chain(os.path.join(cert_path, "cert.pem"),
                            os.path.join(cert_path, "key.pem"))
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


SYSTEM_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")  # the system engine's


def unreachable_hint(path: str) -> str:
    """What to do when no socket is at ``path``: start the engine that makes it when it is
    the system's (or a rootless user's) socket, else check the path given."""
    if path in SYSTEM_SOCKETS:
        return "is the Docker engine running? (sudo systemctl start docker)"
    if path.startswith("/run/user/") and path.endswith("/docker.sock"):
        return "is your rootless Docker engine running? (systemctl --user start docker)"
    return ("check the path given with --host / DOCKER_HOST (or the docker context), and "
            "that the engine serving it is started")


def _unreachable(where: str, exc: BaseException) -> EngineUnreachable:
    if isinstance(exc, FileNotFoundError):
        return EngineUnreachable(f"no Docker socket at {where}", unreachable_hint(where))
    if isinstance(exc, PermissionError):
        return EngineUnreachable(
            f"permission denied on {where}",
            "add yourself to the docker group (sudo usermod -aG docker $USER) and log in again")
    if isinstance(exc, ConnectionRefusedError):
        if not where.startswith("/"):  # host:port
            return EngineUnreachable(f"connection refused at {where}",
                                     "nothing listens on that port: is the engine there "
                                     "started, and listening on tcp?")
        return EngineUnreachable(f"connection refused at {where}",
                                 "the socket exists but no engine listens: it may be stopped "
                                 "or still starting")
    if isinstance(exc, TimeoutError):
        return EngineTimeout(f"connecting to {where} timed out", "the engine may be hung")
    if isinstance(exc, OSError) and exc.errno == errno.ENOTSOCK:
        return EngineUnreachable(f"{where} is not a socket", "check --host / DOCKER_HOST")
    return EngineUnreachable(f"cannot connect to {where}: {exc}", "check --host / DOCKER_HOST")


class MemoryTransport:
    """An in-memory transport: hands out scripted reply chunks, records what was sent."""

    def __init__(self, replies: Iterable[bytes] = (), *, hold_open: bool = False) -> None:
        # hold_open: when the scripted replies run out, block (like a live stream) until
        # more are fed or the transport is closed, instead of ending the stream.
        self.sent = bytearray()
        self._hold_open = hold_open
        self._replies = list(replies)
        self._closed = threading.Event()
        self._cond = threading.Condition()

    def feed(self, data: bytes) -> None:
        """Queue more reply bytes (from any thread)."""
        with self._cond:
            self._replies.append(data)
            self._cond.notify_all()

    def send(self, data: bytes) -> None:
        self.sent += data

    def recv(self, max_bytes: int = 65536) -> bytes:
        with self._cond:
            while not self._replies and self._hold_open and not self._closed.is_set():
                self._cond.wait()
            if not self._replies:
                return b""
            head = self._replies[0]
            if head == b"":  # an explicit end of stream
                return b""
            chunk, rest = head[:max_bytes], head[max_bytes:]
            if rest:
                self._replies[0] = rest
            else:
                self._replies.pop(0)
            return chunk

    def settimeout(self, seconds: float | None) -> None:
        pass

    def dropped(self) -> bool:
        """Only once closed here: a peer's close scripted as ``b""`` is found by the next
        request, as a race with a real peer would be."""
        return self.closed

    def close(self) -> None:
        with self._cond:
            self._closed.set()
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()
