"""Choosing the engine: --host, DOCKER_HOST, contexts, config files, and bad values."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from genet_rx.errors import HostError
from genet_rx.wire.hosts import context_names
from genet_rx.wire.ssh import SshTarget, ssh_command
from genet_rx.wire.transport import parse_host


def make_context(root: Path, name: str, host: str, tls: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = root / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps(
        {"Name": name, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))
    if tls:
        (root / "contexts" / "tls" / digest / "docker").mkdir(parents=True)


def test_order_of_choice(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert parse_host(None, env).url == "unix:///var/run/docker.sock"
    cfg = tmp_path / ".docker"
    cfg.mkdir()
    make_context(cfg, "remote", "tcp://10.0.0.5:2376", tls=True)
    make_context(cfg, "local2", "unix:///run/user/1000/docker.sock")
    (cfg / "config.json").write_text(json.dumps({"currentContext": "local2"}))
    assert parse_host(None, env).url == "unix:///run/user/1000/docker.sock"
    env["DOCKER_CONTEXT"] = "remote"
    remote = parse_host(None, env)
    assert (remote.url, remote.tls) == ("tcp://10.0.0.5:2376", True)
    assert remote.cert_path and remote.cert_path.endswith("/docker")
    env["DOCKER_HOST"] = "unix:///tmp/x.sock"
    assert parse_host(None, env).url == "unix:///tmp/x.sock"
    assert parse_host("tcp://h:1", env).url == "tcp://h:1"


def test_docker_config_env_and_default_context(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "default"}))
    env = {"DOCKER_CONFIG": str(tmp_path), "HOME": "/nonexistent"}
    assert parse_host(None, env).url == "unix:///var/run/docker.sock"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", b"\xff\xfe"])
def test_malformed_config_is_a_clear_error(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(HostError, match=r"config\.json"):
        parse_host(None, {"DOCKER_CONFIG": str(tmp_path)})


def test_unreadable_config_and_missing_context(tmp_path: Path) -> None:
    (tmp_path / "config.json").mkdir()  # a directory where a file should be: unreadable
    with pytest.raises(HostError, match="cannot read"):
        parse_host(None, {"DOCKER_CONFIG": str(tmp_path)})
    with pytest.raises(HostError, match="does not exist"):
        parse_host(None, {"DOCKER_CONFIG": str(tmp_path / "none"), "DOCKER_CONTEXT": "gone"})


def test_context_without_endpoint(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"odd").hexdigest()
    (tmp_path / "contexts" / "meta" / digest).mkdir(parents=True)
    (tmp_path / "contexts" / "meta" / digest / "meta.json").write_text('{"Endpoints": {}}')
    with pytest.raises(HostError, match=r"Endpoints\.docker\.Host"):
        parse_host(None, {"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "odd"})


@pytest.mark.parametrize("bad", [
    "bogus", "ftp://x", "unix://relative/path", "tcp://", "tcp://host:port",
    "tcp://host:1/path", "npipe:////./pipe/", "unix:///a\0b", "ssh://",
    "ssh://me:secret@box", "ssh://box:port", "ssh://-oProxyCommand=x", "ssh://box?x=1",
])
def test_bad_host_values(bad: str) -> None:
    with pytest.raises(HostError):
        parse_host(bad, {})


def test_good_host_values() -> None:
    assert parse_host("unix:///var/run/docker.sock", {}).address == "/var/run/docker.sock"
    assert parse_host("tcp://127.0.0.1", {}).address == "127.0.0.1:2375"
    tls = parse_host("tcp://127.0.0.1", {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/c"})
    assert (tls.address, tls.tls, tls.cert_path) == ("127.0.0.1:2376", True, "/c")


def test_ssh_hosts_as_the_docker_cli_reads_them() -> None:
    plain = parse_host("ssh://box", {}).ssh
    assert plain == SshTarget("box")
    full = parse_host("ssh://me@box:2222/run/user/1000/docker.sock", {}).ssh
    assert full == SshTarget("box", "me", 2222, "/run/user/1000/docker.sock")


def test_the_ssh_command_is_the_docker_clis() -> None:
    argv = ssh_command(SshTarget("box", "me", 2222, "/run/docker.sock"))
    assert argv[0] == "ssh"  # the one on PATH: the user's config and keys apply
    assert "BatchMode=yes" in argv  # never a prompt with no terminal to answer it
    assert "StrictHostKeyChecking=no" not in " ".join(argv)
    assert argv[argv.index("--"):] == ["--", "box", "docker", "--host", "unix:///run/docker.sock",
                                        "system", "dial-stdio"]
    assert argv[argv.index("-l") + 1] == "me"
    assert argv[argv.index("-p") + 1] == "2222"


def test_a_host_without_a_scheme_is_a_context_name(tmp_path: Path) -> None:
    make_context(tmp_path, "lab", "tcp://10.0.0.7:2375")
    assert parse_host("lab", {"DOCKER_CONFIG": str(tmp_path)}).url == "tcp://10.0.0.7:2375"


def test_an_unknown_context_name_says_so(tmp_path: Path) -> None:
    with pytest.raises(HostError, match="'nowhere' does not exist"):
        parse_host("nowhere", {"DOCKER_CONFIG": str(tmp_path)})


def test_a_value_that_is_neither_url_nor_context_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HostError, match="neither a host URL"):
        parse_host("/var/run/docker.sock", {"DOCKER_CONFIG": str(tmp_path)})


def test_context_names_lists_default_first_then_the_store(tmp_path: Path) -> None:
    make_context(tmp_path, "zeta", "unix:///z.sock")
    make_context(tmp_path, "alpha", "unix:///a.sock")
    assert context_names({"DOCKER_CONFIG": str(tmp_path)}) == ["default", "alpha", "zeta"]


def test_a_context_whose_meta_names_nothing_is_an_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "contexts" / "meta" / "0"
    bad.mkdir(parents=True)
    (bad / "meta.json").write_text(json.dumps({"Name": "../etc"}))
    with pytest.raises(HostError, match=r"meta\.json names no valid docker context"):
        context_names({"DOCKER_CONFIG": str(tmp_path)})


def test_skip_tls_verify_is_honoured_only_when_a_context_sets_it(tmp_path: Path) -> None:
    for name, skip in (("strict", None), ("lax", True)):
        make_context(tmp_path, name, "tcp://10.0.0.9:2376", tls=True)
        if skip is not None:
            meta = next((tmp_path / "contexts" / "meta").glob(
                f"{hashlib.sha256(name.encode()).hexdigest()}/meta.json"))
            doc = json.loads(meta.read_text())
            doc["Endpoints"]["docker"]["SkipTLSVerify"] = skip
            meta.write_text(json.dumps(doc))
    env = {"DOCKER_CONFIG": str(tmp_path)}
    assert parse_host("strict", env).verify
    assert not parse_host("lax", env).verify


@pytest.mark.parametrize("url", ["tcp://nope:99999", "ssh://box:70000"])
def test_a_port_past_65535_is_said_to_be_out_of_range(url: str) -> None:
    with pytest.raises(HostError, match=r"out of range \(1-65535\)"):
        parse_host(url, {})


def test_a_port_that_is_not_a_number_is_said_so() -> None:
    with pytest.raises(HostError, match="not a number"):
        parse_host("tcp://box:http", {})


def test_a_missing_custom_socket_does_not_suggest_starting_the_system_engine(
    tmp_path: Path,
) -> None:
    from genet_rx.errors import EngineUnreachable
    from genet_rx.wire.transport import open_transport

    with pytest.raises(EngineUnreachable) as caught:
        open_transport(parse_host(f"unix://{tmp_path}/engine.sock", {}))
    assert "systemctl" not in caught.value.hint
    assert "--host" in caught.value.hint


def test_a_missing_system_socket_suggests_starting_the_engine() -> None:
    from genet_rx.wire.transport import unreachable_hint

    assert "systemctl start docker" in unreachable_hint("/var/run/docker.sock")
    assert "systemctl --user start docker" in unreachable_hint("/run/user/1000/docker.sock")
