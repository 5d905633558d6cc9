"""The Docker Engine API client: version negotiation, typed errors, the calls Genet makes.

All calls here block and are meant for worker threads; the Observables (``events``) run
their own reader thread. Container ids and names are percent-encoded as one path segment, so
no name (``..``, ``/``, ``?``, ``#``) can ever make a request reach another endpoint.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from reactivex import Observable
from reactivex import operators as ops

from genet_rx.errors import (
    EngineError,
    EngineUnreachable,
    ProtocolError,
    UnsupportedVersion,
    error_for_status,
)
from genet_rx.model.events import Event, EventDecodeError, decode_event_line
from genet_rx.wire.http import HTTPStream, Response, exchange
from genet_rx.wire.ndjson import LineSplitter
from genet_rx.wire.streams import observe_stream
from genet_rx.wire.transport import Endpoint, Transport, open_transport, parse_host

log = logging.getLogger("genet_rx.api.client")

#: The API versions Genet speaks. 1.24 (Docker 1.12) has Type/Action events and JSON filters.
MIN_API = (1, 24)
MAX_API = (1, 47)


def parse_version(text: str) -> tuple[int, int]:
    major, _, minor = text.strip().partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        raise ProtocolError(f"the engine reported API version {text!r}") from None


def fmt_version(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


def choose_version(daemon_max: str, daemon_min: str | None = None) -> str:
    """min(ours, the daemon's); a clear error when the two ranges do not meet."""
    theirs = parse_version(daemon_max)
    if theirs < MIN_API:
        raise UnsupportedVersion(
            f"the engine speaks API {daemon_max}; Genet needs {fmt_version(MIN_API)} or newer "
            "(Docker 1.12+): upgrade the engine")
    if daemon_min and parse_version(daemon_min) > MAX_API:
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
    """Blocking calls to one engine. Thread-safe: every request has its own connection."""

    def __init__(self, url: str | None = None, *, timeout: float = 10.0,
                 env: Mapping[str, str] | None = None) -> None:
        self.endpoint: Endpoint = parse_host(url, env)
        self.timeout = timeout
        self._version: str | None = None
        self._lock = threading.Lock()
        self.malformed_events = 0  # lines of the events stream that were not events

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
            resp = exchange(lambda: self._connect(self.timeout), self.endpoint.host_header,
                            method, target, payload, self.timeout if timeout is None else timeout)
            if resp.status < 300:
                return resp
            message = resp.message
            if (resp.status == 400 and "client version" in message and versioned
                    and attempt == 1):
                # The daemon was upgraded or downgraded under us: negotiate again, once.
                log.info("renegotiating the API version: %s", message)
                self._version = None
                continue
            raise error_for_status(resp.status, message)
        raise AssertionError("unreachable")

    def get_json(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, query).json()

    def open_stream(self, path: str, query: Mapping[str, Any] | None = None,
                    on_open: Callable[[Callable[[], None]], None] = lambda close: None,
                    ) -> HTTPStream:
        """A streaming GET on its own connection, with its head read. No read timeout: streams
        may be silent for hours. ``on_open`` receives the close function once a socket exists.
        """
        target = self._target(path, query, versioned=True)
        transport = self._connect(self.timeout)
        stream = HTTPStream(transport, self.endpoint.host_header)
        on_open(stream.close)
        try:
            transport.settimeout(None)
            stream.send_request("GET", target)
            stream.read_head()
            if stream.status >= 300:
                transport.settimeout(self.timeout)
                body = Response(stream.status, stream.headers, stream.read_all(1 << 20))
                raise error_for_status(stream.status, body.message)
        except BaseException:
            stream.close()
            raise
        return stream

    # -- version ----------------------------------------------------------------------------

    def negotiate(self) -> str:
        """Agree on an API version from /_ping (and /version); sets ``api_version``."""
        with self._lock:
            ping = self.request("GET", "/_ping", versioned=False)
            daemon_max = ping.headers.get("api-version")
            daemon_min = None
            if ping.body.strip() not in (b"OK", b""):
                raise ProtocolError("this socket answered /_ping but is not a Docker engine")
            # /version is needed only when /_ping does not say, or when the daemon speaks
            # past our maximum (then only its MinAPIVersion tells whether we meet at all).
            if not daemon_max or parse_version(daemon_max) > MAX_API:
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
            return self._version

    # -- calls ------------------------------------------------------------------------------

    def ping(self) -> str:
        return self.request("GET", "/_ping", versioned=False).body.decode("utf-8", "replace")

    def version(self) -> dict[str, Any]:
        return dict(self.get_json("/version"))

    def info(self) -> dict[str, Any]:
        return dict(self.get_json("/info"))

    def containers(self, all: bool = True) -> list[dict[str, Any]]:
        return self.containers_response(all).json()  # type: ignore[no-any-return]

    def containers_response(self, all: bool = True) -> Response:
        """The list answer with its headers (its Date tells how fresh it is)."""
        return self.request("GET", "/containers/json", {"all": "1" if all else "0"})

    def inspect(self, container_id: str) -> dict[str, Any]:
        return self.inspect_response(container_id).json()  # type: ignore[no-any-return]

    def inspect_response(self, container_id: str) -> Response:
        return self.request("GET", f"/containers/{segment(container_id)}/json")

    def start(self, container_id: str) -> None:
        self.request("POST", f"/containers/{segment(container_id)}/start")

    def stop(self, container_id: str, timeout: int | None = None) -> None:
        # A stop waits up to `timeout` (default 10 s) for the container: allow for it.
        wait = self.timeout + (timeout if timeout is not None else 10)
        self.request("POST", f"/containers/{segment(container_id)}/stop", {"t": timeout},
                     timeout=wait)

    def restart(self, container_id: str, timeout: int | None = None) -> None:
        wait = self.timeout + (timeout if timeout is not None else 10)
        self.request("POST", f"/containers/{segment(container_id)}/restart", {"t": timeout},
                     timeout=wait)

    def pause(self, container_id: str) -> None:
        self.request("POST", f"/containers/{segment(container_id)}/pause")

    def unpause(self, container_id: str) -> None:
        self.request("POST", f"/containers/{segment(container_id)}/unpause")

    def kill(self, container_id: str, signal: str | None = None) -> None:
        self.request("POST", f"/containers/{segment(container_id)}/kill", {"signal": signal})

    def remove(self, container_id: str, force: bool = False, volumes: bool = False) -> None:
        self.request("DELETE", f"/containers/{segment(container_id)}",
                     {"force": "1" if force else None, "v": "1" if volumes else None})

    # -- streams ----------------------------------------------------------------------------

    def events(self, since: str | None = None, until: str | None = None,
               filters: Mapping[str, Iterable[str]] | None = None) -> Observable[Event]:
        """The engine's events as an Observable of :class:`Event`.

        Records are split on newlines, not chunks. A malformed line is counted in
        ``malformed_events``, logged, and skipped; the stream goes on. The Observable completes
        when the engine ends the stream and errors when the connection fails.
        """
        query: dict[str, Any] = {"since": since, "until": until}
        if filters:
            query["filters"] = json.dumps({k: list(v) for k, v in filters.items()})
        splitter = LineSplitter()

        def decode_lines(lines: list[bytes]) -> list[Event]:
            out = []
            for line in lines:
                try:
                    out.append(decode_event_line(line))
                except EventDecodeError as exc:
                    self.malformed_events += 1
                    log.warning("skipped an events line (%d bytes): %s", len(line), exc)
            return out

        def count_cut(_: object = None) -> None:
            rest = splitter.close()
            if rest:  # a record cut by the end of the stream is not an event
                self.malformed_events += 1
                log.warning("the events stream ended inside a record (%d bytes)", len(rest[0]))

        def flush() -> list[Event]:
            count_cut()
            return []

        return observe_stream(
            lambda on_open: self.open_stream("/events", query, on_open),
            lambda data: decode_lines(splitter.feed(data)),
            flush,
            name="genet-events",
        ).pipe(ops.do_action(on_error=count_cut))


def describe(exc: BaseException) -> str:
    """A one-line message for a person."""
    if isinstance(exc, EngineUnreachable | EngineError | UnsupportedVersion | ProtocolError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["EngineClient", "choose_version", "describe", "segment", "since_arg"]
