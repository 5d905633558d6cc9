"""Registry credentials from a docker config, its auths and its credential helpers."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genet_rx.api.auth import (
    DOCKER_HUB,
    Credentials,
    CredentialsError,
    credentials_for,
    registry_auth_for,
    registry_auth_header,
    registry_of,
)

SECRET = "s3cr3t-Pa55"


def write_config(directory: Path, config: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def decode_header(value: str) -> dict[str, str]:
    return dict(json.loads(base64.urlsafe_b64decode(value)))


HELPER = """#!/bin/sh
# A fake credential helper: knows one registry, fails loudly for another.
[ "$1" = get ] || exit 3
read server
case "$server" in
  registry:5000) printf '{"ServerURL":"%s","Username":"ann","Secret":"SECRET"}' "$server" ;;
  tokens.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"SECRET"}' "$server";;
  broken.example) echo "keychain is locked" >&2; exit 2 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


@pytest.fixture
def helper_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`docker-credential-fake` in a temp dir put first on PATH; yields the helper's name."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-fake"
    script.write_text(HELPER.replace("SECRET", SECRET), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    yield "fake"


# -- which registry ------------------------------------------------------------------------

@pytest.mark.parametrize(("reference", "registry"), [
    ("busybox", DOCKER_HUB),
    ("busybox:1.36", DOCKER_HUB),
    ("team/app:1", DOCKER_HUB),
    ("docker.io/library/busybox", DOCKER_HUB),
    ("registry:5000/team/app:1.2", "registry:5000"),
    ("localhost/x", "localhost"),
    ("localhost:5000/x", "localhost:5000"),
    ("ghcr.io/o/x@sha256:" + "a" * 64, "ghcr.io"),
    ("127.0.0.1:5000/genet/layers:1", "127.0.0.1:5000"),
])
def test_registry_of_reference(reference: str, registry: str) -> None:
    assert registry_of(reference) == registry


# -- auths in config.json --------------------------------------------------------------------

def test_no_config_means_no_credentials(tmp_path: Path) -> None:
    assert credentials_for("registry:5000", tmp_path) is None


def test_unknown_registry_means_no_credentials(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"other:5000": {"auth": basic("ann", SECRET)}}})
    assert credentials_for("registry:5000", tmp_path) is None


def test_auths_entry_gives_user_and_password(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {"auth": basic("ann", SECRET)}}})
    assert credentials_for("registry:5000", tmp_path) == Credentials(
        "registry:5000", "ann", SECRET)


def test_password_may_hold_a_colon(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {"auth": basic("ann", "a:b")}}})
    creds = credentials_for("registry:5000", tmp_path)
    assert creds is not None and creds.password == "a:b"


def test_auths_key_written_as_url_matches(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"https://registry:5000/v2/": {"auth": basic("ann", SECRET)}}})
    creds = credentials_for("registry:5000", tmp_path)
    assert creds is not None and creds.username == "ann"


def test_docker_hub_key(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {DOCKER_HUB: {"auth": basic("ann", SECRET)}}})
    creds = credentials_for(registry_of("busybox"), tmp_path)
    assert creds is not None and creds.serveraddress == DOCKER_HUB


def test_identity_token(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {"identitytoken": SECRET}}})
    creds = credentials_for("registry:5000", tmp_path)
    assert creds is not None and creds.identitytoken == SECRET


def test_empty_auths_entry_means_no_credentials(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {}}})
    assert credentials_for("registry:5000", tmp_path) is None


def test_auth_that_is_not_base64_is_an_error(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {"auth": "%%%"}}})
    with pytest.raises(CredentialsError, match="not base64"):
        credentials_for("registry:5000", tmp_path)


def test_config_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"auths": ', encoding="utf-8")
    with pytest.raises(CredentialsError, match=r"config\.json is not valid JSON"):
        credentials_for("registry:5000", tmp_path)


def test_docker_config_env_is_where_the_config_lives(tmp_path: Path) -> None:
    write_config(tmp_path / "cfg", {"auths": {"registry:5000": {"auth": basic("ann", SECRET)}}})
    header = registry_auth_for("registry:5000/app:1", {"DOCKER_CONFIG": str(tmp_path / "cfg")})
    assert header is not None and decode_header(header)["username"] == "ann"


def test_no_credentials_means_no_header(tmp_path: Path) -> None:
    assert registry_auth_for("busybox", {"DOCKER_CONFIG": str(tmp_path)}) is None


# -- credential helpers -----------------------------------------------------------------------

def test_cred_helper_for_the_registry(tmp_path: Path, helper_on_path: str) -> None:
    write_config(tmp_path, {"credHelpers": {"registry:5000": helper_on_path}})
    assert credentials_for("registry:5000", tmp_path) == Credentials(
        "registry:5000", "ann", SECRET)


def test_creds_store_for_every_registry(tmp_path: Path, helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": helper_on_path, "auths": {"registry:5000": {}}})
    creds = credentials_for("registry:5000", tmp_path)
    assert creds is not None and creds.password == SECRET


def test_helper_token_username_means_identity_token(tmp_path: Path,
                                                    helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": helper_on_path})
    creds = credentials_for("tokens.example", tmp_path)
    assert creds is not None and creds.identitytoken == SECRET


def test_helper_not_knowing_the_registry_means_none(tmp_path: Path,
                                                    helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": helper_on_path})
    assert credentials_for("unknown.example", tmp_path) is None


def test_cred_helper_wins_over_creds_store(tmp_path: Path, helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": "absent", "credHelpers": {"registry:5000": "fake"}})
    creds = credentials_for("registry:5000", tmp_path)
    assert creds is not None and creds.username == "ann"


def test_failing_helper_is_an_error_naming_it(tmp_path: Path, helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": helper_on_path})
    with pytest.raises(CredentialsError, match="docker-credential-fake failed"):
        credentials_for("broken.example", tmp_path)


def test_failing_helper_error_says_why(tmp_path: Path, helper_on_path: str) -> None:
    write_config(tmp_path, {"credsStore": helper_on_path})
    with pytest.raises(CredentialsError, match="keychain is locked"):
        credentials_for("broken.example", tmp_path)


def test_missing_helper_is_an_error_naming_it(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    write_config(tmp_path, {"credsStore": "nowhere"})
    with pytest.raises(CredentialsError, match=r"docker-credential-nowhere .*not installed"):
        credentials_for("registry:5000", tmp_path)


# -- the header, and secrets kept out of sight ----------------------------------------------

def test_header_with_password() -> None:
    header = registry_auth_header(Credentials("registry:5000", "ann", SECRET))
    assert decode_header(header) == {"username": "ann", "password": SECRET,
                                     "serveraddress": "registry:5000"}


def test_header_with_identity_token() -> None:
    header = registry_auth_header(Credentials("registry:5000", identitytoken=SECRET))
    assert decode_header(header) == {"identitytoken": SECRET}


def test_header_is_url_safe() -> None:
    header = registry_auth_header(Credentials("r", "~~~", "???>>>"))
    assert not set(header) & {"+", "/"}


def test_repr_masks_the_password() -> None:
    assert SECRET not in repr(Credentials("registry:5000", "ann", SECRET))


def test_str_masks_the_password() -> None:
    assert SECRET not in str(Credentials("registry:5000", "ann", SECRET))


def test_repr_masks_the_identity_token() -> None:
    assert SECRET not in repr(Credentials("registry:5000", identitytoken=SECRET))


def test_repr_shows_the_user() -> None:
    assert "ann" in repr(Credentials("registry:5000", "ann", SECRET))


def test_repr_in_a_container_masks_the_password(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {"registry:5000": {"auth": basic("ann", SECRET)}}})
    assert SECRET not in repr([credentials_for("registry:5000", tmp_path)])


def test_errors_never_quote_the_config(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(f'{{"auths": "{SECRET}" oops', encoding="utf-8")
    with pytest.raises(CredentialsError) as caught:
        credentials_for("registry:5000", tmp_path)
    assert SECRET not in str(caught.value)
