"""A real engine on tcp:// with --tlsverify: a second private dockerd, certificates made here.

Genet verifies as the docker CLI does (only the engine's CA, the host name, a client
certificate); every refusal names the engine and says why, and never falls back to plain tcp.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from certs import client_folder, make_ca, sign
from dockerd import IMAGE, DockerCLI, TlsDaemon, docker_cli
from engine_helpers import Watch, engine_view, wait_for, wait_table_equals_engine

from genet_rx import Engine
from genet_rx.api.client import EngineClient
from genet_rx.errors import GenetError

pytestmark = pytest.mark.engine


def tls_env(cert_path: Path) -> dict[str, str]:
    return {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(cert_path)}


def test_an_engine_over_tls_syncs_and_follows_its_events(tls_daemon: TlsDaemon,
                                                         unique_name: str) -> None:
    docker = DockerCLI(tls_daemon.daemon.url)
    engine = Engine(client=EngineClient(tls_daemon.url, env=tls_env(tls_daemon.client)),
                    reconcile_every=3600.0)
    try:
        wait_for(lambda: engine.table.synced, what="the first sync over TLS")
        cid = docker.run_detached(name=unique_name)
        wait_for(lambda: engine.table.get(cid), what="the new container over TLS")
        docker("stop", "-t", "1", cid)
        wait_table_equals_engine(lambda: engine.table, docker)
    finally:
        engine.close()
        docker.close()


def refusal(url: str, env: dict[str, str], timeout: float = 10.0) -> str:
    with pytest.raises(GenetError) as refused:
        EngineClient(url, env=env, timeout=timeout).negotiate()
    return str(refused.value)


def test_a_ca_that_did_not_sign_the_engine_is_refused(tls_daemon: TlsDaemon,
                                                      tmp_path: Path) -> None:
    other = tmp_path / "other"
    make_ca(other)
    sign(other, "client", "extendedKeyUsage=clientAuth")
    said = refusal(tls_daemon.url, tls_env(client_folder(tmp_path / "path", other)))
    assert "CERTIFICATE_VERIFY_FAILED" in said
    assert tls_daemon.url.removeprefix("tcp://") in said


def test_a_client_certificate_the_engine_did_not_issue_is_refused(tls_daemon: TlsDaemon,
                                                                  tmp_path: Path) -> None:
    other = tmp_path / "other"
    make_ca(other)
    sign(other, "client", "extendedKeyUsage=clientAuth")
    path = client_folder(tmp_path / "path", other)
    (path / "ca.pem").write_bytes((tls_daemon.certs / "ca.pem").read_bytes())  # right CA
    said = refusal(tls_daemon.url, tls_env(path))
    assert "TLS with 127.0.0.1" in said
    assert "refused this client's certificate" in said


def test_an_expired_client_certificate_is_refused(tls_daemon: TlsDaemon, tmp_path: Path) -> None:
    issuer = tmp_path / "issuer"
    issuer.mkdir()
    for part in ("ca.pem", "ca-key.pem"):  # the engine's own CA signs it: only the date is off
        (issuer / part).write_bytes((tls_daemon.certs / part).read_bytes())
    sign(issuer, "client", "extendedKeyUsage=clientAuth", days=-1)
    said = refusal(tls_daemon.url, tls_env(client_folder(tmp_path / "path", issuer)))
    assert "127.0.0.1" in said
    assert "refused this client's certificate" in said


def test_plain_tcp_to_a_tls_engine_is_refused_not_downgraded(tls_daemon: TlsDaemon) -> None:
    said = refusal(tls_daemon.url, {})
    assert "speaks TLS and Genet was given no TLS settings" in said
    assert "DOCKER_TLS_VERIFY" in said


def test_tls_settings_toward_a_plain_socket_are_refused(tls_daemon: TlsDaemon) -> None:
    with socket.create_server(("127.0.0.1", 0)) as plain:
        port = plain.getsockname()[1]
        said = refusal(f"tcp://127.0.0.1:{port}", tls_env(tls_daemon.client), timeout=1.0)
    assert f"TLS with 127.0.0.1:{port} failed" in said


def test_two_engines_from_contexts_each_equal_to_their_own_list(
        engine_url: str, docker, tls_daemon: TlsDaemon, tmp_path: Path,
        unique_name: str) -> None:
    config = tmp_path / "docker-config"
    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    env.pop("DOCKER_HOST", None)
    client = tls_daemon.client
    for name, spec in (("local", f"host={engine_url}"),
                       ("secure", f"host={tls_daemon.url},ca={client}/ca.pem,"
                                  f"cert={client}/cert.pem,key={client}/key.pem")):
        subprocess.run([docker_cli(), "context", "create", name, "--docker", spec], env=env,
                       check=True, capture_output=True, timeout=60)
    second = DockerCLI(tls_daemon.daemon.url)
    watch = Watch(engine_url, "--all-contexts", "--kinds", "containers", env=env)
    try:
        docker.run_detached(name=unique_name)
        second.run_detached(name=f"{unique_name}-tls")
        seen: list[object] = []
        # The "local" context names the engine --host already gave: it shows once, by that URL.
        for context, cli in ((engine_url, docker), ("secure", second)):
            def same(context: str = context, cli: DockerCLI = cli) -> bool:
                want = {cid: v[1] for cid, v in engine_view(cli).items()}
                got = {k[1]: line["state"] for k, line in watch.replay_all(context).items()
                       if k[0] == "container"}
                seen[:] = [want, got]
                return want == got
            try:
                wait_for(same, what=f"the {context} engine's containers")
            except AssertionError:
                raise AssertionError(f"{context}: engine {seen[0]} != watch {seen[1]}; "
                                     f"{[ln for ln in watch.lines if ln['type'] == 'engine']}"
                                     ) from None
    finally:
        assert watch.stop() == 0
        second.close()


def test_the_image_exists_on_the_second_engine(tls_daemon: TlsDaemon) -> None:
    out = subprocess.run([docker_cli(), "image", "inspect", IMAGE],
                         env={**os.environ, "DOCKER_HOST": tls_daemon.daemon.url},
                         capture_output=True, timeout=60, check=False)
    assert out.returncode == 0
