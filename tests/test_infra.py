"""The test infrastructure itself: private daemon, busybox image, docker helper, restart."""

from __future__ import annotations

import os

import pytest
from dockerd import IMAGE, DockerCLI, PrivateDaemon, http_get

pytestmark = pytest.mark.engine


def test_daemon_answers_ping_with_api_version(daemon: PrivateDaemon, engine_url: str) -> None:
    assert engine_url == f"unix://{daemon.socket_path}"
    assert len(daemon.socket_path) < 100
    status, headers, body = http_get(daemon.socket_path, "/_ping")
    assert (status, body) == (200, b"OK")
    assert headers["api-version"] == "1.41"


def test_busybox_image_runs_echo(docker: DockerCLI) -> None:
    assert docker("run", "--rm", IMAGE, "echo", "hi") == "hi"


def test_docker_helper_labels_and_names(docker: DockerCLI, unique_name: str) -> None:
    assert unique_name.startswith("genet-t-")
    cid = docker.run_detached(name=unique_name)
    labels = docker("inspect", "-f", '{{index .Config.Labels "genet-test"}}', cid)
    assert labels == "1"
    assert docker("inspect", "-f", "{{.State.Running}}", unique_name) == "true"


def test_restart_brings_socket_back_and_keeps_containers(
    daemon: PrivateDaemon, docker: DockerCLI, unique_name: str
) -> None:
    cid = docker.run_detached(name=unique_name)
    # Hold the old socket file (O_PATH) so ext4 cannot hand its inode number to the new one.
    old = os.open(daemon.socket_path, os.O_PATH)
    try:
        daemon.restart()
        assert daemon.running and daemon.ping()
        assert os.fstat(old).st_nlink == 0
        assert os.stat(daemon.socket_path).st_ino != os.fstat(old).st_ino
    finally:
        os.close(old)
    listed = docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}}").splitlines()
    assert f"{cid} {unique_name}" in listed

