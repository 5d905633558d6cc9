"""The Docker Engine API client: one engine's address, version negotiation, typed errors.

:class:`EngineClient` is the plumbing every call shares: ``request`` for a short call,
``open_stream`` for a long one. The calls themselves live one module per kind beside this one
(``containers``, ``images``, ``volumes``, ``networks``, ``system``, and the streams ``events``,
``logs``, ``stats``, ``pull``). All of them block and are meant for worker threads; the streams
run their own reader thread. Ids and names are percent-encoded as one path segment, so no name
(``..``, ``/``, ``?``, ``#``) can ever make a request reach another endpoint.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from genet_rx.errors import (
    EngineError,
    EngineUnreachable,
    ProtocolError,
    UnsupportedVersion,
    error_for_status,
)
from genet_rx.model.common import parse_version
from genet_rx.wire.http import HTTPStream, Response
from genet_rx.wire.pool import ConnectionPool
from genet_rx.wire.transport import Endpoint, Transport, open_transport, parse_host

log = logging.getLogger(__name__)

#: The API versions Genet speaks. 1.24 (Docker 1.12) has Type/Action events and JSON filters.
MIN_API = (1, 24)
MAX_API = (1, 47)


def _api_version(text: str) -> tuple[int, int]:
    try:
        return parse_version(text)
    except ValueError:
        raise ProtocolError(f"the engine reported API version {text!r}") from None


def fmt_version(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


def choose_version(daemon_max: str, daemon_min: str | None = None) -> str:
    """min(ours, the daemon's); a clear error when the two ranges do not meet."""
    theirs = _api_version(daemon_max)
    if theirs < MIN_API:
        raise UnsupportedVersion(
            f"the engine speaks API {daemon_max}; Genet needs {fmt_version(MIN_API)} or newer "
            "(Docker 1.12+): upgrade the engine")
    if daemon_min and _api_version(daemon_min) > MAX_API:
        raise UnsupportedVersion(
            f"the engine needs API {daemon_min} or newer; Genet speaks up to "
            f"{fmt_version(MAX_API)}: upgrade Genet")
    return fmt_version(min(theirs, MAX_API))


def segment(value: str) -> str:
    """One path segment: every byte that could end or escape it is percent-encoded."""
    # No engine object is named with a slash or as a dot segment: refuse before sending.
    if not value or value in (".", "..") or "/" in value or "\0" in value:
        raise ValueError(f"not a container id or name: {value!r}")
    return quote(value, safe="")


def since_arg(time_ns: int) -> str:
    """A timeNano as the ``seconds.nanoseconds`` form /events takes for since/until."""
    return f"{time_ns // 1_000_000_000}.{time_ns % 1_000_000_000:09d}"


class EngineClient:
    """Blocking calls to one engine. Thread-safe: a request holds its connection alone.

    Short calls reuse a few kept-alive connections (``keep_alive``, see
    :mod:`genet_rx.wire.pool`); streams open their own. ``close`` lets the kept ones go (an
    :class:`~genet_rx.engine.engine.Engine` closes its client; so does garbage collection).
    """

    def __init__(self, url: str | None = None, *, timeout: float = 10.0,
                 env: Mapping[str, str] | None = None, keep_alive: bool = True) -> None:
        self.endpoint: Endpoint = parse_host(url, env)
        self.timeout = timeout
        self._calls = ConnectionPool(_connector(weakref.ref(self)), self.endpoint.host_header,
                                     max_idle=3 if keep_alive else 0)
        weakref.finalize(self, self._calls.close)  # the pool holds no reference back to self
        self._version: str | None = None
        self._lock = threading.Lock()
        self.clock_ns: int | None = None  # the daemon's clock at the last negotiation (Date)
        # Whether the version agreed is the daemon's newest: then its unversioned paths answer
        # exactly as the versioned ones do.
        self.agreed_newest = False
        self.malformed_events = 0  # lines of the events stream that were not events (api.events)

    @property
    def host(self) -> str:
        return self.endpoint.url

    @property
    def api_version(self) -> str | None:
        return self._version

    # -- plumbing -------------------------------------------------------------------------

    def _connect(self, timeout: float | None) -> Transport:
        return open_transport(self.endpoint, timeout)

    def _target(self, path: str, query: Mapping[str, Any] | None, versioned: bool) -> str:
        prefix = ""
        if versioned:
            prefix = f"/v{self._version or self.negotiate()}"
        q = {k: v for k, v in (query or {}).items() if v is not None}
        return prefix + path + (f"?{urlencode(q)}" if q else "")

    def request(self, method: str, path: str, query: Mapping[str, Any] | None = None,
                body: Any = None, *, versioned: bool = True,
                timeout: float | None = None) -> Response:
        """One short call; raises the typed error for any non-2xx answer."""
        payload = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            target = self._target(path, query, versioned)
            resp = self._calls.exchange(method, target, payload,
                                        self.timeout if timeout is None else timeout)
            if resp.status < 300:
                return resp
            message = resp.message
            if (resp.status == 400 and "client version" in message and versioned
                    and attempt == 1):
                # The daemon was upgraded or downgraded under us: negotiate again, once.
                log.info("renegotiating the API version: %s", message)
                self._version = None
                continue
            if resp.status == 400 and "HTTP request to an HTTPS server" in message:
                raise EngineUnreachable(
                    f"{self.host} speaks TLS and Genet was given no TLS settings for it",
                    "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a docker context "
                    "made with its certificates")
            raise error_for_status(resp.status, message)
        raise AssertionError("unreachable")

    def get_json(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, query).json()

    def open_stream(self, path: str, query: Mapping[str, Any] | None = None,
                    on_open: Callable[[Callable[[], None]], None] = lambda close: None,
                    *, method: str = "GET", headers: Mapping[str, str] | None = None,
                    ) -> HTTPStream:
        """A streaming call on its own connection, with its head read. No read timeout: streams
        may be silent for hours. ``on_open`` receives the close function once a socket exists.
        """
        target = self._target(path, query, versioned=True)
        transport = self._connect(self.timeout)
        stream = HTTPStream(transport, self.endpoint.host_header)
        on_open(stream.close)
        try:
            transport.settimeout(None)
            stream.send_request(method, target, headers=headers)
            stream.read_head()
            if stream.status >= 300:
                transport.settimeout(self.timeout)
                stream.deadline = time.monotonic() + self.timeout
                body = Response(stream.status, stream.headers, stream.read_all(1 << 20))
                raise error_for_status(stream.status, body.message)
        except BaseException:
            stream.close()
            raise
        return stream

    def close(self) -> None:
        """Close the kept-alive connections. Calls still work after it, one connection each."""
        self._calls.close()

    # -- version ----------------------------------------------------------------------------

    def negotiate(self) -> str:
        """Agree on an API version from /_ping (and /version); sets ``api_version``."""
        with self._lock:
            ping = self.request("GET", "/_ping", versioned=False)
            self.clock_ns = ping.date_ns
            daemon_max = ping.headers.get("api-version")
            daemon_min = None
            if ping.body.strip() not in (b"OK", b""):
                raise ProtocolError("this socket answered /_ping but is not a Docker engine")
            # /version is needed only when /_ping does not say, or when the daemon speaks
            # past our maximum (then only its MinAPIVersion tells whether we meet at all).
            if not daemon_max or _api_version(daemon_max) > MAX_API:
                try:
                    ver = self.request("GET", "/version", versioned=False).json()
                    if isinstance(ver, dict):
                        daemon_max = daemon_max or ver.get("ApiVersion")
                        daemon_min = ver.get("MinAPIVersion")
                except EngineError:
                    pass  # an old daemon without /version: /_ping's header is enough
            if not daemon_max:
                raise ProtocolError("the engine did not say which API version it speaks")
            self._version = choose_version(str(daemon_max), daemon_min and str(daemon_min))
            self.agreed_newest = _api_version(str(daemon_max)) <= MAX_API
            return self._version


def _connector(client: weakref.ref[EngineClient]) -> Callable[[], Transport]:
    """The client's ``_connect``, held weakly: the pool must not keep its client alive (the
    client's finalizer closes the pool)."""
    def connect() -> Transport:
        alive = client()
        if alive is None:
            raise EngineUnreachable("this engine's client is gone")
        return alive._connect(alive.timeout)
    return connect


def describe(exc: BaseException) -> str:
    """A one-line message for a person."""
    if isinstance(exc, EngineUnreachable | EngineError | UnsupportedVersion | ProtocolError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["EngineClient", "choose_version", "describe", "segment", "since_arg"]
