"""The app on three real engines: the private daemon, the TLS daemon and one offline (a
socket that does not exist); a command goes to its row's own engine; the Engines screen adds,
disables, enables and removes engines through the saved file."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from certs import make_ca
from dockerd import DockerCLI, TlsDaemon, docker_cli
from test_layouts import check_touch_sizes
from ui_harness import find_row, resize, save_shot, tap

from genet_kivy.engine_view import label, row_key
from genet_rx.engine.engines import Engines

pytestmark = [pytest.mark.ui, pytest.mark.engine]


@pytest.fixture
def tls_docker(tls_daemon: TlsDaemon) -> Iterator[DockerCLI]:
    """A docker CLI on the TLS daemon (through its private socket); cleans up what it made."""
    helper = DockerCLI(tls_daemon.daemon.url)
    yield helper
    helper.close()


@pytest.fixture
def saved_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh $XDG_CONFIG_HOME: the app's saved engines file is ours alone."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "genet" / "engines.json"


@pytest.fixture
def three(engine_url: str, tls_daemon: TlsDaemon, tmp_path: Path) -> Iterator[Engines]:
    engines = Engines(reconcile_every=3600.0)
    engines.add(engine_url)
    engines.add(tls_daemon.url, tls_dir=str(tls_daemon.client))
    engines.add(f"unix://{tmp_path}/offline/docker.sock")
    yield engines
    engines.close()


def chips(app: Any) -> dict[str, str]:
    return {c.name: c.word for c in app.fleet.chips}


def offline_url(three: Engines) -> str:
    return list(three.engines)[2]


def both_running(app: Any, frames: Any, local: str, remote: str) -> None:
    frames.until(lambda: find_row(app, local) and find_row(app, remote), timeout=40,
                 what="a row from each live engine")


def test_three_engines_in_one_view_each_with_its_chip(
        make_app, frames, kivy_window, three, engine_url, tls_daemon, docker, tls_docker,
        unique_name):
    docker.run_detached(name=f"{unique_name}-local")
    tls_docker.run_detached(name=f"{unique_name}-tls")
    app = make_app(three, (1280, 800))
    both_running(app, frames, f"{unique_name}-local", f"{unique_name}-tls")
    frames.until(lambda: chips(app).get(offline_url(three), "").startswith("offline"),
                 timeout=30, what="the offline engine's chip")
    words = chips(app)
    assert words[engine_url] == "live"
    assert words[tls_daemon.url] == "live"
    assert not app.root.banner_shown  # one engine down is its chip's news, not the app's
    assert find_row(app, f"{unique_name}-tls").subtitle.startswith(label(tls_daemon.url))
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "engines-three-1280x800")
    resize(kivy_window, frames, (800, 480))
    frames.until(lambda: not app.root.wide or app.root.width == 800, what="800x480 layout")
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "engines-three-800x480")


def test_grouped_by_engine_and_filtered_to_one(make_app, frames, three, engine_url, tls_daemon,
                                               docker, tls_docker, unique_name):
    docker.run_detached(name=f"{unique_name}-local")
    tls_docker.run_detached(name=f"{unique_name}-tls")
    app = make_app(three, (1280, 800))
    both_running(app, frames, f"{unique_name}-local", f"{unique_name}-tls")
    button = app.root.ids.sidebar.ids.group_by
    tap(button, frames)  # by project
    tap(button, frames)  # by engine
    assert button.text == "By engine"
    titles = [r["title"] for r in app.root.ids.sidebar.ids.rv.data
              if r["viewclass"] == "GroupHeader"]
    assert titles == sorted([label(engine_url), label(tls_daemon.url)], key=str.lower)
    app.fleet.tap(tls_daemon.url)
    frames.until(lambda: find_row(app, f"{unique_name}-local") is None,
                 what="the local row filtered out")
    assert find_row(app, f"{unique_name}-tls") is not None
    assert app.engine is three.engines[tls_daemon.url]  # dialogs act on the chosen engine


def test_stop_on_a_tls_row_stops_it_on_that_engine_only(
        make_app, frames, three, engine_url, tls_daemon, docker, tls_docker, unique_name):
    local = docker.run_detached(name=unique_name)
    remote = tls_docker.run_detached(name=unique_name)  # the same name on both engines
    app = make_app(three, (1280, 800))
    key = row_key(tls_daemon.url, remote)
    frames.until(lambda: app.containers.table.get(key) is not None, timeout=40,
                 what="the TLS engine's row")
    app.select(key)
    assert app.current().id == remote
    app.press("stop")
    frames.until(lambda: app.containers.table.get(key).state.value == "exited", timeout=60,
                 what="the TLS row exited")
    assert tls_docker("inspect", "-f", "{{.State.Status}}", remote).strip() == "exited"
    assert docker("inspect", "-f", "{{.State.Status}}", local).strip() == "running"
    assert app.containers.table.get(row_key(engine_url, local)).state.value == "running"


def saved(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text())["engines"]


def test_the_engines_screen_adds_disables_enables_and_removes_through_the_saved_file(
        make_app, frames, kivy_window, engine_url, tls_daemon, tls_docker, unique_name,
        saved_home, tmp_path):
    tls_docker.run_detached(name=f"{unique_name}-tls")
    with Engines([engine_url], reconcile_every=3600.0) as engines:
        app = make_app(engines, (800, 480))
        screen = app.open_engines()
        frames.until(lambda: screen.ids.add.width > 0 and screen.ids.add.y > 0, what="screen open")
        frames.step(30)  # the dialog's opening animation
        screen.ids.host.text = tls_daemon.url
        screen.ids.tls.text = str(tls_daemon.client)
        tap(screen.ids.add, frames)
        notice = app.root.notice
        assert notice is None or notice.kind != "error", notice.text
        assert saved(saved_home) == [{"host": tls_daemon.url, "name": "", "enabled": True,
                                      "tls_dir": str(tls_daemon.client)}]
        offline = f"unix://{tmp_path}/offline/docker.sock"
        screen.ids.host.text = offline
        tap(screen.ids.add, frames)
        assert [e["host"] for e in saved(saved_home)] == [tls_daemon.url, offline]
        frames.until(lambda: chips(app).get(tls_daemon.url) == "live", timeout=40,
                     what="the added TLS engine live")
        frames.until(lambda: chips(app).get(offline, "").startswith("offline"), timeout=30,
                     what="the added offline engine offline")
        frames.until(lambda: len(screen.ids.entries.children) == 3 and all(
            e.counts for e in screen.ids.entries.children if e.name != offline), timeout=20,
            what="three entries with counts")
        assert check_touch_sizes(kivy_window) == []
        save_shot(kivy_window, frames, "engines-screen-800x480")

        screen.set_enabled(tls_daemon.url, False)
        assert saved(saved_home)[0]["enabled"] is False
        assert tls_daemon.url not in engines.engines
        frames.until(lambda: tls_daemon.url not in app.fleet.merged, what="its rows gone")
        screen.set_enabled(tls_daemon.url, True)
        assert saved(saved_home)[0]["enabled"] is True
        frames.until(lambda: find_row(app, f"{unique_name}-tls"), timeout=40,
                     what="its rows back")
        first = engines.engines[engine_url]
        screen.remove(offline)
        assert [e["host"] for e in saved(saved_home)] == [tls_daemon.url]
        assert list(engines.engines) == [engine_url, tls_daemon.url]
        assert engines.engines[engine_url] is first  # the others never restarted
        screen.dismiss()


def test_one_engine_shows_no_chips_and_no_group_by_engine(make_app, frames, real_engine):
    app = make_app(real_engine, (1280, 800))
    frames.step(3)
    topbar = app.root.ids.topbar
    assert (topbar.many, len(topbar.ids.chips.children)) == (False, 0)
    button = app.root.ids.sidebar.ids.group_by
    tap(button, frames)  # by project
    tap(button, frames)  # back to state: by engine is not offered
    assert button.text == "By state"


def make_contexts(config: Path, tls_daemon: TlsDaemon, other_ca: Path) -> None:
    """Two contexts made by the docker CLI for the TLS daemon: ``unverified`` (SkipTLSVerify,
    no CA) and ``wrong-ca`` (verification on, a CA that did not sign the engine)."""
    client = tls_daemon.client
    keys = f"cert={client}/cert.pem,key={client}/key.pem"
    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    env.pop("DOCKER_HOST", None)
    for name, spec in (("unverified", f"host={tls_daemon.url},{keys},skip-tls-verify=true"),
                       ("wrong-ca", f"host={tls_daemon.url},ca={other_ca}/ca.pem,{keys}")):
        subprocess.run([docker_cli(), "context", "create", name, "--docker", spec], env=env,
                       check=True, capture_output=True, timeout=60)


def test_a_context_that_skips_tls_verification_is_unverified_and_a_wrong_ca_is_offline(
        make_app, frames, kivy_window, engine_url, tls_daemon, tls_docker, unique_name,
        tmp_path, monkeypatch):
    make_ca(tmp_path / "other-ca")
    make_contexts(tmp_path / "docker-config", tls_daemon, tmp_path / "other-ca")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    tls_docker.run_detached(name=f"{unique_name}-tls")
    with Engines([engine_url, "unverified", "wrong-ca"], reconcile_every=3600.0) as engines:
        app = make_app(engines, (1280, 800))
        frames.until(lambda: find_row(app, f"{unique_name}-tls"), timeout=40,
                     what="the TLS engine's row, through the unverified context")
        frames.until(lambda: chips(app).get("wrong-ca", "").startswith("offline"), timeout=30,
                     what="the wrong-CA context offline")
        words = chips(app)
        reasons = {c.name: c.reason for c in app.fleet.chips}
        assert words["unverified"] == "unverified TLS"
        assert words[engine_url] == "live"
        assert find_row(app, f"{unique_name}-tls").subtitle.startswith(label("unverified"))
        assert "CERTIFICATE_VERIFY_FAILED" in reasons["wrong-ca"]
        assert tls_daemon.url.removeprefix("tcp://") in reasons["wrong-ca"]
        assert not app.fleet.merged["wrong-ca"].containers.rows  # no fallback, no rows
        save_shot(kivy_window, frames, "engines-unverified-and-wrong-ca-1280x800")
        screen = app.open_engines()  # where the whole reason is written out
        frames.until(lambda: len(screen.ids.entries.children) == 3, what="three entries")
        frames.step(30)  # the dialog's opening animation
        about = {e.name: e.about for e in screen.ids.entries.children}
        assert "CERTIFICATE_VERIFY_FAILED" in about["wrong-ca"]
        assert about["unverified"].startswith("unverified TLS")
        save_shot(kivy_window, frames, "engines-screen-wrong-ca-1280x800")
        screen.dismiss()
