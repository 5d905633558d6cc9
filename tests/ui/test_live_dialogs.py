"""The dialogs in a real app on the private daemon: a real pull from the local registry,
a run, a refused run, a volume and a network."""

from __future__ import annotations

import secrets
import time

import pytest
from dockerd import IMAGE, DockerCLIError
from registry import SlowRelay, push_layers_image
from ui_harness import tap

from genet_rx.model.connection import Link
from genet_rx.model.pull import LayerPhase

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def connected_app(make_app, frames, engine, size=(1280, 800)):
    app = make_app(engine, size)
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    return app


def inspect_ok(docker, kind: str, name: str) -> bool:
    try:
        docker(kind, "inspect", name)
    except DockerCLIError:
        return False
    return True


def test_a_real_pull_shows_progress_and_leaves_the_image(
    make_app, frames, real_engine, docker, daemon, registry
):
    from genet_kivy.dialogs import open_pull

    # Through a relay at 1 MiB/s a layer takes about 2 s, far longer than the dialog's pace
    # (one view every 0.25 s), however fast the machine is.
    pushed = push_layers_image(daemon.url, registry, repository="genet/dialog-pull",
                               tag=secrets.token_hex(3))
    with SlowRelay(registry.port, rate=1024 * 1024) as relay:
        reference = pushed.replace(registry.address, relay.address)
        try:
            app = connected_app(make_app, frames, real_engine)
            dialog = open_pull(app)
            frames.step(2)
            dialog.ids.reference.text = reference
            shown: list[list[str]] = []  # every set of layer lines the dialog showed
            dialog.bind(lines=lambda _w, lines: shown.append(list(lines)))
            tap(dialog.ids.pull, frames)
            frames.until(lambda: not dialog.running, timeout=120, what="the pull's end")
            assert dialog.error == "" and dialog.status == f"Pulled {reference}"
            final = dialog.session.progress
            assert final.finished and len(final.layers) == 4 and final.known_bytes > 0
            phases = [layer.phase for layer in final.layers]
            assert phases.count(LayerPhase.DONE) == 3 and LayerPhase.EXISTS in phases
            # The layers were seen on their way, not only at the end.
            assert len(shown) >= 2
            assert any("done" not in " ".join(lines) for lines in shown)
            assert "downloaded" in dialog.amount
            assert len(dialog.lines) == 4 and dialog.fraction == 1.0
            notice = frames.until(lambda: app.root.notice, what="the notice")
            assert notice.text == f"Pulled {reference}"
            assert inspect_ok(docker, "image", reference)
            assert app.tasks.running == ()
        finally:
            docker("rmi", "-f", reference, check=False)
            docker("rmi", "-f", pushed, check=False)


def test_cancel_midway_stops_the_pull_and_leaves_no_image(
    make_app, frames, real_engine, docker, daemon, registry
):
    from genet_kivy.dialogs import open_pull

    pushed = push_layers_image(daemon.url, registry, repository="genet/dialog-cancel",
                               tag=secrets.token_hex(3))
    with SlowRelay(registry.port, rate=256 * 1024) as relay:
        reference = pushed.replace(registry.address, relay.address)
        try:
            app = connected_app(make_app, frames, real_engine)
            dialog = open_pull(app, reference)
            frames.step(2)
            tap(dialog.ids.pull, frames)
            frames.until(lambda: any("downloading" in line for line in dialog.lines),
                         timeout=60, what="a layer downloading")
            tap(dialog.ids.cancel, frames)
            assert not dialog.running and dialog.status.startswith("Cancelled")
            assert app.tasks.running == ()
            time.sleep(1.0)  # the engine notices the closed stream
            before = relay.forwarded
            time.sleep(1.5)
            assert relay.forwarded - before < 64 * 1024  # no more bytes move
            assert not inspect_ok(docker, "image", reference)  # no half image
        finally:
            docker("rmi", "-f", reference, check=False)
            docker("rmi", "-f", pushed, check=False)


def test_a_pull_of_an_unknown_image_says_so_in_the_dialog(
    make_app, frames, real_engine, registry
):
    from genet_kivy.dialogs import open_pull

    app = connected_app(make_app, frames, real_engine)
    dialog = open_pull(app, "")
    frames.step(2)
    dialog.ids.reference.text = f"{registry.address}/genet/no-such-image:1"
    tap(dialog.ids.pull, frames)
    frames.until(lambda: dialog.error, timeout=60, what="the registry's refusal")
    assert "not found" in dialog.error or "unknown" in dialog.error
    assert not dialog.running and app.tasks.running == ()


def test_run_starts_a_container_and_a_name_in_use_is_refused_in_the_dialog(
    make_app, frames, real_engine, docker, unique_name
):
    from genet_kivy.dialogs import open_run

    app = connected_app(make_app, frames, real_engine, (800, 480))
    try:
        dialog = open_run(app, IMAGE)
        frames.step(2)
        dialog.ids.name.text = unique_name
        dialog.ids.command.text = "sleep 300"
        dialog.ids.env.text = "MODE=demo"
        tap(dialog.ids.run, frames)
        frames.until(lambda: not dialog.is_open, timeout=60, what="started")
        state = docker("inspect", "-f", "{{.State.Status}} {{.Config.Env}}", unique_name)
        assert state.startswith("running") and "MODE=demo" in state

        again = open_run(app, IMAGE)
        frames.step(2)
        again.ids.name.text = unique_name
        again.ids.command.text = "sleep 300"
        tap(again.ids.run, frames)
        frames.until(lambda: again.error, timeout=60, what="the engine's refusal")
        assert "already in use" in again.error and again.is_open
        again.dismiss()
    finally:
        docker("rm", "-f", unique_name, check=False)


def test_create_a_volume_and_a_network(make_app, frames, real_engine, docker, unique_name):
    from genet_kivy.dialogs import open_create_network, open_create_volume

    app = connected_app(make_app, frames, real_engine)
    try:
        dialog = open_create_volume(app)
        frames.step(2)
        dialog.ids.name.text = unique_name
        tap(dialog.ids.create, frames)
        frames.until(lambda: not dialog.is_open, timeout=30, what="volume created")
        assert inspect_ok(docker, "volume", unique_name)

        dialog = open_create_network(app)
        frames.step(2)
        dialog.ids.name.text = unique_name
        dialog.ids.driver.text = "host"  # the engine allows one host network only
        tap(dialog.ids.create, frames)
        frames.until(lambda: dialog.error, timeout=30, what="the engine's refusal")
        assert "host" in dialog.error and dialog.is_open
        dialog.ids.driver.text = "bridge"
        tap(dialog.ids.create, frames)
        frames.until(lambda: not dialog.is_open, timeout=30, what="network created")
        assert inspect_ok(docker, "network", unique_name)
    finally:
        docker("network", "rm", unique_name, check=False)
        docker("volume", "rm", unique_name, check=False)
