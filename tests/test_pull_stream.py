"""The pull Observable against a scripted engine on a unix socket: what it sends (query, the
auth header), what it makes of the answer (values, in-band errors, refusals), and disposal."""

from __future__ import annotations

import contextlib
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from reactivex import Observable

from genet_rx.api.auth import Credentials, registry_auth_header
from genet_rx.api.client import EngineClient
from genet_rx.api.pull import pull
from genet_rx.errors import NotFound
from genet_rx.model.pull import PullError, PullProgress

SAMPLES = Path(__file__).parent / "samples"
WAIT = 10.0


@dataclass
class Seen:
    """One request the scripted engine received."""

    method: str
    target: str
    headers: dict[str, str]

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass
class ScriptedEngine:
    """Answers /_ping, and answers /images/create with `status` and `body` in `pieces`
    chunks; `hold` keeps the pull's connection open after the body until the client leaves."""

    status: int = 200
    body: bytes = b""
    pieces: int = 3
    hold: bool = False
    seen: list[Seen] = field(default_factory=list)
    client_left: threading.Event = field(default_factory=threading.Event)

    def serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip()
                       for k, _, v in (line.partition(":") for line in lines[1:])}
            self.seen.append(Seen(method, target, headers))
            if target == "/_ping":
                conn.sendall(b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n"
                             b"Connection: close\r\n\r\nOK")
                return
            if self.status != 200:
                msg = b'{"message":"manifest for x:1 not found: manifest unknown"}'
                conn.sendall(f"HTTP/1.1 {self.status} Nope\r\nContent-Type: application/json"
                             f"\r\nContent-Length: {len(msg)}\r\n\r\n".encode() + msg)
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            size = max(1, len(self.body) // self.pieces + 1)
            for start in range(0, len(self.body), size):
                piece = self.body[start:start + size]
                conn.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            if self.hold:
                with contextlib.suppress(OSError):
                    while conn.recv(65536):
                        pass
                self.client_left.set()
                return
            conn.sendall(b"0\r\n\r\n")


@pytest.fixture
def engine() -> Iterator[tuple[ScriptedEngine, str]]:
    script = ScriptedEngine()
    with tempfile.TemporaryDirectory(prefix="genet-pull-") as tmp:
        path = str(Path(tmp) / "docker.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(8)

        def accept() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=script.serve, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        try:
            yield script, f"unix://{path}"
        finally:
            listener.close()


@dataclass
class Outcome:
    values: list[PullProgress] = field(default_factory=list)
    error: BaseException | None = None
    completed: bool = False
    done: threading.Event = field(default_factory=threading.Event)


def run(observable: Observable[PullProgress]) -> Outcome:
    outcome = Outcome()

    def on_error(exc: BaseException) -> None:
        outcome.error = exc
        outcome.done.set()

    def on_completed() -> None:
        outcome.completed = True
        outcome.done.set()

    subscription = observable.subscribe(outcome.values.append, on_error, on_completed)
    try:
        assert outcome.done.wait(WAIT), "the pull did not end in time"
    finally:
        subscription.dispose()
    return outcome


def pull_request(script: ScriptedEngine) -> Seen:
    return next(s for s in script.seen if s.target.startswith("/v1.41/images/create"))


def sample(name: str) -> bytes:
    return (SAMPLES / f"pull-{name}.ndjson").read_bytes()


# -- what is sent --------------------------------------------------------------------------

def test_pull_is_a_post(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert pull_request(script).method == "POST"


def test_pull_names_image_and_tag(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert pull_request(script).query == {"fromImage": ["127.0.0.1:5000/genet/layers"],
                                          "tag": ["1"]}


def test_pull_of_a_digest_sends_it_as_the_tag(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    digest = "sha256:" + "c" * 64
    run(pull(EngineClient(url), f"busybox@{digest}"))
    assert pull_request(script).query["tag"] == [digest]


def test_auth_header_is_sent_when_given(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    auth = registry_auth_header(Credentials("127.0.0.1:5000", "ann", "pw"))
    run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1", auth))
    assert pull_request(script).headers["x-registry-auth"] == auth


def test_no_auth_header_without_credentials(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert "x-registry-auth" not in pull_request(script).headers


# -- what is made of the answer ------------------------------------------------------------

def test_one_value_per_line(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("layers")
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert len(outcome.values) == len(sample("layers").splitlines())


def test_values_carry_the_reference(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("layers")
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert outcome.values[-1].reference == "127.0.0.1:5000/genet/layers:1"


def test_stream_end_completes(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("layers")
    assert run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1")).completed


def test_stream_end_without_status_line_is_finished(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = b"".join(sample("layers").splitlines(keepends=True)[:-1])
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert outcome.values[-1].finished


def test_malformed_line_is_skipped(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = b"not json\n" + sample("up-to-date")
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/layers:1"))
    assert len(outcome.values) == 3


def test_in_band_error_is_a_pull_error(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("midway-error")
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/broken:1"))
    assert isinstance(outcome.error, PullError)


def test_in_band_error_keeps_the_message(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("midway-error")
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/broken:1"))
    assert str(outcome.error).startswith("filesystem layer verification failed")


@pytest.mark.parametrize("pieces", [1, 2, 7, 50])
def test_values_before_an_in_band_error_arrive(engine: tuple[ScriptedEngine, str],
                                               pieces: int) -> None:
    script, url = engine
    script.body, script.pieces = sample("midway-error"), pieces
    outcome = run(pull(EngineClient(url), "127.0.0.1:5000/genet/broken:1"))
    assert len(outcome.values) == len(sample("midway-error").splitlines()) - 1


def test_refusal_before_the_stream_is_the_typed_error(engine: tuple[ScriptedEngine, str]
                                                      ) -> None:
    script, url = engine
    script.status = 404
    outcome = run(pull(EngineClient(url), "x:1"))
    assert isinstance(outcome.error, NotFound)


def test_refusal_keeps_the_engine_message(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.status = 404
    outcome = run(pull(EngineClient(url), "x:1"))
    assert "manifest for x:1 not found" in str(outcome.error)


# -- disposal ----------------------------------------------------------------------------------

def test_dispose_closes_the_connection(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body, script.hold = sample("up-to-date")[:60], True
    subscription = pull(EngineClient(url), "x:1").subscribe(lambda _: None)
    deadline = time.monotonic() + WAIT
    while not any("/images/create" in s.target for s in script.seen):
        assert time.monotonic() < deadline, "the pull request never came"
        time.sleep(0.01)
    subscription.dispose()
    assert script.client_left.wait(WAIT)


def test_each_subscription_is_a_pull(engine: tuple[ScriptedEngine, str]) -> None:
    script, url = engine
    script.body = sample("up-to-date")
    pulling = pull(EngineClient(url), "x:1")
    run(pulling)
    run(pulling)
    assert len([s for s in script.seen if "/images/create" in s.target]) == 2


def test_bad_reference_raises_at_once() -> None:
    with pytest.raises(ValueError):
        pull(EngineClient("unix:///nonexistent.sock"), "a b")
