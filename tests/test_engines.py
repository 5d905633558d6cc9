"""Several engines at once: the private daemon and the fake engine side by side."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerd import docker_cli
from engine_helpers import Watch, engine_view, wait_for
from fake_engine import FakeEngine

from genet_rx.api import containers
from genet_rx.api.client import EngineClient
from genet_rx.engine.engines import Engines, open_chosen

pytestmark = pytest.mark.engine


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        f.add_container("fake-web")
        yield f


def fake_view(fake: FakeEngine) -> dict[str, str]:
    return {c["Id"]: c["Names"][0].lstrip("/") for c in containers.listing(EngineClient(fake.url))}


def watch_names(watch: Watch, host: str) -> dict[str, str]:
    return {key[1]: line["name"] for key, line in watch.replay_all(host).items()
            if key[0] == "container"}


def test_two_engines_in_one_watch_each_line_names_its_engine(engine_url: str, docker,
                                                            fake: FakeEngine,
                                                            unique_name: str) -> None:
    watch = Watch(engine_url, "--host", fake.url, "--kinds", "containers")
    try:
        docker.run_detached(name=unique_name)
        fake.add_container("fake-db", state="exited")
        real = {cid: v[0] for cid, v in engine_view(docker).items()}
        wait_for(lambda: watch_names(watch, engine_url) == real, what="the daemon's containers")
        wait_for(lambda: watch_names(watch, fake.url) == fake_view(fake),
                 what="the fake engine's containers")
        hosts = {line["host"] for line in watch.lines if line["type"] == "engine"}
        assert hosts == {engine_url, fake.url}
    finally:
        assert watch.stop() == 0


def test_merged_state_holds_every_engine_by_name(engine_url: str, fake: FakeEngine) -> None:
    with Engines([engine_url, fake.url]) as engines:
        merged: list[Any] = []
        engines.state.subscribe(merged.append)
        wait_for(lambda: merged and all(s.containers.synced for s in merged[-1].values())
                 and len(merged[-1]) == 2, what="both engines synced")
        assert set(merged[-1]) == {engine_url, fake.url}
        names = {r.name for r in merged[-1][fake.url].containers.rows.values()}
        assert names == {"fake-web"}


def test_all_contexts_follows_every_context_by_its_name(engine_url: str, fake: FakeEngine,
                                                         tmp_path: Path) -> None:
    config = tmp_path / "docker-config"
    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    env.pop("DOCKER_HOST", None)
    for name, host in (("private", engine_url), ("fake", fake.url),
                       ("gone", f"unix://{tmp_path}/nothing-here.sock")):
        subprocess.run([docker_cli(), "context", "create", name, "--docker", f"host={host}"],
                       env=env, check=True, capture_output=True, timeout=60)
    watch = Watch(engine_url, "--all-contexts", "--kinds", "containers", env=env)
    try:
        wait_for(lambda: watch_names(watch, "fake") == fake_view(fake),
                 what="the fake engine's containers under its context's name")
        engines = {line["host"] for line in watch.lines if line["type"] == "engine"}
        assert {"fake", "default", engine_url, "gone"} <= engines
        wait_for(lambda: any(ln["type"] == "engine" and ln["host"] == "gone"
                             and "no Docker socket" in (ln["message"] or "")
                             for ln in watch.lines),
                 what="the context pointing at nothing to say so (the others work anyway)")
    finally:
        assert watch.stop() == 0
    # "private" names the engine --host already gave: one engine, shown once, and said so.
    assert "private" not in {line["host"] for line in watch.lines}
    assert watch.proc.stderr is not None
    assert f"private names the same engine as {engine_url}" in watch.proc.stderr.read()


def test_two_contexts_naming_one_engine_open_it_once(engine_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "docker-config"
    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    for name in ("first", "second"):
        subprocess.run([docker_cli(), "context", "create", name, "--docker",
                        f"host={engine_url}"], env=env, check=True, capture_output=True,
                       timeout=60)
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    with open_chosen(["first", "second"]) as engines:
        assert list(engines.engines) == ["first"]
        assert engines.left_out == {
            "second": f"second names the same engine as first ({engine_url}): shown once"}


def test_an_engine_that_stalls_forever_never_delays_another(fake: FakeEngine) -> None:
    with FakeEngine() as stuck:
        stuck.stall()  # every request: never an answer
        with Engines([stuck.url, fake.url], reconcile_every=3600.0) as engines:
            merged: list[Any] = []
            engines.state.subscribe(merged.append)
            wait_for(lambda: merged and fake.url in merged[-1]
                     and merged[-1][fake.url].containers.synced, what="the working engine")
            fake.wait_subscribed()
            web = next(r.id for r in merged[-1][fake.url].containers.rows.values())
            fake.act(web, "pause")
            wait_for(lambda: merged[-1][fake.url].containers.rows[web].state.value == "paused",
                     what="the working engine's event, while the other one hangs")
            assert merged[-1][stuck.url].connection.state.value == "connecting"


def test_an_engine_added_then_removed_at_run_time_leaves_the_other_running(
        fake: FakeEngine) -> None:
    with FakeEngine() as other:
        other.add_container("other-web")
        with Engines([fake.url], reconcile_every=3600.0) as engines:
            merged: list[Any] = []
            engines.state.subscribe(merged.append)
            wait_for(lambda: merged and merged[-1][fake.url].containers.synced,
                     what="the first engine")
            first = engines.engines[fake.url]
            engines.add(other.url)
            wait_for(lambda: other.url in merged[-1] and merged[-1][other.url].containers.synced,
                     what="the engine added at run time")
            engines.remove(other.url)
            wait_for(lambda: other.url not in merged[-1], what="the removed engine gone")
            fake.wait_subscribed()
            web = next(r.id for r in merged[-1][fake.url].containers.rows.values())
            fake.act(web, "pause")
            wait_for(lambda: merged[-1][fake.url].containers.rows[web].state.value == "paused",
                     what="the first engine's events, after the other one went")
            assert engines.engines == {fake.url: first}
