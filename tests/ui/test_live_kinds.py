"""Volumes, networks and images on the private daemon: made from outside, removed in the app."""

from __future__ import annotations

import contextlib

import pytest
from dockerd import IMAGE, DockerCLIError
from test_kinds import answer_yes, go, open_item, titles
from ui_harness import tap

from genet_rx.model.connection import Link

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def test_volume_and_network_made_outside_appear_and_are_removed_from_the_app(
    make_app, frames, real_engine, docker, unique_name, kivy_window
):
    volume, network = f"{unique_name}-vol", f"{unique_name}-net"
    app = make_app(real_engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    try:
        docker("volume", "create", volume)
        docker("network", "create", network)
        user = docker.run_detached("-v", f"{volume}:/data", IMAGE, "sleep", "300",
                                   name=f"{unique_name}-user")

        # The volume appears with its user; the engine refuses to remove it while used.
        go(app, frames, "volumes")
        frames.until(lambda: volume in titles(app, "volumes"), timeout=20, what="volume listed")
        panel = open_item(app, frames, "volumes", volume, search=True)
        frames.until(lambda: [link.title for link in panel.detail.links] == [f"{unique_name}-user"],
                     timeout=20, what="its user")
        frames.until(lambda: not panel.detail.buttons["remove"].disabled, what="Remove enabled")
        frames.step(2)
        tap(panel.detail.buttons["remove"], frames)
        answer_yes(app, frames, kivy_window, "Remove")
        notice = frames.until(lambda: app.root.notice, timeout=20, what="the refusal")
        assert notice.kind == "error" and "in use" in notice.text
        assert volume in docker("volume", "ls", "-q").split()

        docker("rm", "-f", user)
        frames.until(lambda: not panel.detail.links, timeout=20, what="no user left")
        tap(panel.detail.buttons["remove"], frames)
        answer_yes(app, frames, kivy_window, "Remove")
        frames.until(lambda: volume not in titles(app, "volumes"), timeout=20, what="volume gone")
        assert volume not in docker("volume", "ls", "-q").split()

        # The network appears; Remove in the app removes it from the engine.
        go(app, frames, "networks")
        frames.until(lambda: network in titles(app, "networks"), timeout=20, what="network")
        panel = open_item(app, frames, "networks", network, search=True)
        frames.step(2)
        tap(panel.detail.buttons["remove"], frames)
        answer_yes(app, frames, kivy_window, "Remove")
        frames.until(lambda: network not in titles(app, "networks"), timeout=20,
                     what="network gone")
        assert network not in docker("network", "ls", "--format", "{{.Name}}").split()

        # The test image is listed with its size; a builtin network says it cannot go.
        go(app, frames, "images")
        frames.until(lambda: any(t.startswith(IMAGE) for t in titles(app, "images")),
                     timeout=20, what="the test image")
    finally:
        for args in (("volume", "rm", "-f", volume), ("network", "rm", network)):
            with contextlib.suppress(DockerCLIError):
                docker(*args, check=False)
