"""Pulls through Genet from a local registry into the private daemon: real progress, a
cancelled pull, an unknown image, an unreachable registry, a failure midway."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from dockerd import DockerCLI, DockerCLIError, PrivateDaemon
from reactivex import Observable
from registry import (
    LocalRegistry,
    SlowRelay,
    free_port,
    manifest_layers,
    push_layers_image,
)

from genet_rx.api.client import EngineClient
from genet_rx.api.pull import pull
from genet_rx.errors import EngineError, NotFound
from genet_rx.model.pull import LayerPhase, PullError, PullProgress

pytestmark = pytest.mark.engine

WAIT = 120.0


@dataclass
class Outcome:
    """What an Observable said, gathered from its thread."""

    values: list[PullProgress] = field(default_factory=list)
    error: BaseException | None = None
    completed: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    def on_error(self, exc: BaseException) -> None:
        self.error = exc
        self.done.set()

    def on_completed(self) -> None:
        self.completed = True
        self.done.set()


def run(observable: Observable[PullProgress]) -> Outcome:
    """Subscribe, wait for the end (or fail after WAIT), dispose."""
    outcome = Outcome()
    subscription = observable.subscribe(outcome.values.append, outcome.on_error,
                                        outcome.on_completed)
    try:
        assert outcome.done.wait(WAIT), "the pull did not end in time"
    finally:
        subscription.dispose()
    return outcome


def image_exists(docker: DockerCLI, reference: str) -> bool:
    try:
        docker("image", "inspect", reference)
    except DockerCLIError:
        return False
    return True


def remove_image(docker: DockerCLI, reference: str) -> None:
    docker("rmi", "-f", reference, check=False)


@pytest.fixture(scope="module")
def layers_image(engine_url_session: str, registry: LocalRegistry) -> str:
    """genet/layers:1 in the local registry: three 2 MiB random layers over busybox."""
    return push_layers_image(engine_url_session, registry)


@pytest.fixture(scope="module")
def engine_url_session(daemon: PrivateDaemon) -> str:
    """The private daemon's address, for module-wide fixtures."""
    return daemon.url


@dataclass(frozen=True)
class Pulled:
    outcome: Outcome
    image_there: bool


@pytest.fixture(scope="module")
def pulled(engine_url_session: str, layers_image: str) -> Iterator[Pulled]:
    """One real pull of the layered image through Genet, then the image removed."""
    docker = DockerCLI(engine_url_session)
    remove_image(docker, layers_image)
    outcome = run(pull(EngineClient(engine_url_session), layers_image))
    yield Pulled(outcome, image_exists(docker, layers_image))
    remove_image(docker, layers_image)


# -- a real pull -----------------------------------------------------------------------------

def test_pull_completes(pulled: Pulled) -> None:
    assert pulled.outcome.completed


def test_pull_has_no_error(pulled: Pulled) -> None:
    assert pulled.outcome.error is None


def test_pull_ends_finished(pulled: Pulled) -> None:
    assert pulled.outcome.values[-1].finished


def test_pull_sees_every_layer(pulled: Pulled) -> None:
    assert len(pulled.outcome.values[-1].layers) == 4  # busybox's and three new ones


def test_pull_downloads_three_layers(pulled: Pulled) -> None:
    phases = [layer.phase for layer in pulled.outcome.values[-1].layers]
    assert phases.count(LayerPhase.DONE) == 3


def test_pull_finds_the_base_layer_present(pulled: Pulled) -> None:
    phases = [layer.phase for layer in pulled.outcome.values[-1].layers]
    assert phases.count(LayerPhase.EXISTS) == 1


def test_pull_bytes_grow(pulled: Pulled) -> None:
    done = [p.done_bytes for p in pulled.outcome.values]
    assert len(set(done)) > 2


def test_pull_moves_the_layers_bytes(pulled: Pulled) -> None:
    assert pulled.outcome.values[-1].done_bytes > 3 * 2 * 1024 * 1024


def test_pull_done_bytes_reach_known_bytes(pulled: Pulled) -> None:
    end = pulled.outcome.values[-1]
    assert end.done_bytes == end.known_bytes


def test_pull_says_it_downloaded(pulled: Pulled) -> None:
    assert pulled.outcome.values[-1].status.startswith("Status: Downloaded newer image")


def test_pulled_image_exists(pulled: Pulled) -> None:
    assert pulled.image_there


# -- cancelling ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cancelled:
    seen_downloading: bool
    later_values: int
    still_moving: int
    image_there: bool


@pytest.fixture(scope="module")
def cancelled(engine_url_session: str, registry: LocalRegistry, layers_image: str
              ) -> Iterator[Cancelled]:
    """A pull through a slow relay, disposed at its first Downloading line."""
    docker = DockerCLI(engine_url_session)
    remove_image(docker, layers_image)  # its layers must not already be in the engine
    with SlowRelay(registry.port, rate=256 * 1024) as relay:
        reference = layers_image.replace(registry.address, relay.address)
        downloading = threading.Event()

        def on_next(progress: PullProgress) -> None:
            if any(x.phase is LayerPhase.DOWNLOADING for x in progress.layers):
                downloading.set()

        outcome = Outcome()
        subscription = pull(EngineClient(engine_url_session), reference).subscribe(
            lambda p: (outcome.values.append(p), on_next(p)),
            lambda exc: (outcome.on_error(exc), downloading.set()),
            lambda: (outcome.on_completed(), downloading.set()))
        downloading.wait(WAIT)
        subscription.dispose()
        seen = any(x.phase is LayerPhase.DOWNLOADING
                   for x in (outcome.values[-1].layers if outcome.values else ()))
        count = len(outcome.values)
        # Let the engine notice; then no more bytes may move for a while.
        time.sleep(1.0)
        before = relay.forwarded
        time.sleep(1.5)
        moving = relay.forwarded - before
        yield Cancelled(seen, len(outcome.values) - count, moving,
                        image_exists(docker, reference))
        remove_image(docker, reference)


def test_cancel_happens_mid_download(cancelled: Cancelled) -> None:
    assert cancelled.seen_downloading


def test_cancel_stops_the_values(cancelled: Cancelled) -> None:
    assert cancelled.later_values == 0


def test_cancel_stops_the_download_in_the_engine(cancelled: Cancelled) -> None:
    assert cancelled.still_moving == 0


def test_cancel_leaves_no_image(cancelled: Cancelled) -> None:
    assert not cancelled.image_there


# -- failures --------------------------------------------------------------------------------

def test_unknown_image_is_not_found(engine_url: str, registry: LocalRegistry) -> None:
    outcome = run(pull(EngineClient(engine_url), f"{registry.address}/genet/nope:1"))
    assert isinstance(outcome.error, NotFound)


def test_unknown_image_error_says_manifest_not_found(engine_url: str,
                                                     registry: LocalRegistry) -> None:
    outcome = run(pull(EngineClient(engine_url), f"{registry.address}/genet/nope:1"))
    assert "manifest for" in str(outcome.error) and "not found" in str(outcome.error)


def test_unknown_image_gives_no_values(engine_url: str, registry: LocalRegistry) -> None:
    outcome = run(pull(EngineClient(engine_url), f"{registry.address}/genet/nope:1"))
    assert outcome.values == []


def test_unreachable_registry_is_an_engine_error(engine_url: str) -> None:
    outcome = run(pull(EngineClient(engine_url), f"127.0.0.1:{free_port()}/x"))
    assert isinstance(outcome.error, EngineError)


def test_unreachable_registry_is_a_500(engine_url: str) -> None:
    outcome = run(pull(EngineClient(engine_url), f"127.0.0.1:{free_port()}/x"))
    assert getattr(outcome.error, "status", None) == 500


def test_unreachable_registry_says_connection_refused(engine_url: str) -> None:
    outcome = run(pull(EngineClient(engine_url), f"127.0.0.1:{free_port()}/x"))
    assert "connection refused" in str(outcome.error)


@pytest.fixture(scope="module")
def broken_image(engine_url_session: str, registry: LocalRegistry) -> Iterator[str]:
    """An image whose top layer's blob was overwritten in the registry."""
    reference = push_layers_image(engine_url_session, registry, repository="genet/broken",
                                  layers=2)
    blob = registry.blob_path(manifest_layers(registry, "genet/broken", "1")[-1])
    blob.write_bytes(os.urandom(blob.stat().st_size))
    yield reference
    remove_image(DockerCLI(engine_url_session), reference)


def test_midway_failure_is_a_pull_error(engine_url: str, broken_image: str) -> None:
    outcome = run(pull(EngineClient(engine_url), broken_image))
    assert isinstance(outcome.error, PullError)


def test_midway_failure_carries_the_engine_message(engine_url: str, broken_image: str) -> None:
    outcome = run(pull(EngineClient(engine_url), broken_image))
    assert "verification failed" in str(outcome.error)


def test_midway_failure_comes_after_progress(engine_url: str, broken_image: str) -> None:
    outcome = run(pull(EngineClient(engine_url), broken_image))
    assert outcome.values


def test_midway_failure_leaves_no_image(engine_url: str, broken_image: str,
                                        docker: DockerCLI) -> None:
    run(pull(EngineClient(engine_url), broken_image))
    assert not image_exists(docker, broken_image)
