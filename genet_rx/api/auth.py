"""Registry credentials, found where the docker CLI keeps them, for the ``X-Registry-Auth`` header.

Where: ``$DOCKER_CONFIG/config.json`` (default ``~/.docker``). For a registry, in this order:
``credHelpers[registry]`` names a helper; else ``credsStore`` names one for every registry;
else ``auths[registry]`` holds ``auth`` (base64 of ``user:password``) and/or an
``identitytoken``. A helper is the program ``docker-credential-<name>``: ``get`` with the
registry on stdin answers ``{"ServerURL", "Username", "Secret"}`` (a ``Username`` of
``<token>`` means the secret is an identity token), or says "credentials not found".

Docker Hub's key is ``https://index.docker.io/v1/``; any other registry is keyed by its
``host[:port]`` (an ``auths`` key written as a URL, ``https://host/v2/``, matches too).

Everything is pure except running a helper, which is a parameter. A :class:`Credentials`
value never shows its secret: its repr masks it, and no error message here quotes it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct

from genet_rx.errors import GenetError
from genet_rx.wire.hosts import config_dir as docker_config_dir
from genet_rx.wire.hosts import read_json_file

#: The key Docker Hub's credentials are stored under.
DOCKER_HUB = "https://index.docker.io/v1/"

_HUB_NAMES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_NOT_FOUND = "credentials not found"


class CredentialsError(GenetError):
    """Credentials were asked for and could not be had (unreadable config, failing helper)."""


class Credentials(Struct, frozen=True):
    """What to log in to a registry with: a username and password, or an identity token."""

    serveraddress: str
    username: str = ""
    password: str = ""
    identitytoken: str = ""

    def __repr__(self) -> str:
        secret = "password=***" if self.password else "password=''"
        token = ", identitytoken=***" if self.identitytoken else ""
        return (f"Credentials(serveraddress={self.serveraddress!r}, "
                f"username={self.username!r}, {secret}{token})")

    __str__ = __repr__


class HelperAnswer(Struct, frozen=True):
    """What a credential helper process did: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # stdout may hold a secret
        return f"HelperAnswer(code={self.code}, stdout=<{len(self.stdout)} chars>)"


RunHelper = Callable[[str, str], HelperAnswer]


def run_credential_helper(program: str, server: str) -> HelperAnswer:
    """Run ``<program> get`` with ``server`` on stdin (found on PATH). A program that is not
    there, cannot run or hangs is a :class:`CredentialsError` naming it."""
    try:
        done = subprocess.run(
            [program, "get"],
            input=server,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise CredentialsError(
            f"the credential helper {program} named in the docker config is not installed "
            "(not found on PATH)") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise CredentialsError(f"the credential helper {program} could not run: "
                               f"{type(exc).__name__}") from None
    return HelperAnswer(done.returncode, done.stdout, done.stderr)


def registry_of(reference: str) -> str:
    """The registry an image reference lives in, as credentials are keyed: Docker Hub's key
    for ``busybox`` or ``team/app``; ``host[:port]`` for ``registry:5000/team/app:1.2``,
    ``localhost/x`` or ``ghcr.io/o/x``."""
    first, sep, _ = reference.strip().partition("/")
    if not sep:
        return DOCKER_HUB
    if first == "localhost" or "." in first or ":" in first:
        return DOCKER_HUB if first.lower() in _HUB_NAMES else first
    return DOCKER_HUB


def _hostname(key: str) -> str:
    """``https://host:port/v2/`` → ``host:port``: how an ``auths`` key matches a registry."""
    for scheme in ("https://", "http://"):
        if key.startswith(scheme):
            key = key[len(scheme):]
            break
    return key.partition("/")[0]


def credentials_for(
    server: str, config_dir: Path, run_helper: RunHelper = run_credential_helper
) -> Credentials | None:
    """The credentials for ``server`` (a :func:`registry_of` key) in the docker config under
    ``config_dir``, or ``None`` when there are none. A config that cannot be read or parsed, or
    a helper that fails other than by not knowing the server, is a :class:`CredentialsError`.
    """
    path = Path(config_dir) / "config.json"
    config = _read_config(path)
    if config is None:
        return None
    helpers = config.get("credHelpers")
    helper: Any = None
    if isinstance(helpers, dict):
        helper = helpers.get(server) or helpers.get(_hostname(server))
    if not helper:
        helper = config.get("credsStore")
    if isinstance(helper, str) and helper:
        return _from_helper(helper, server, run_helper)
    auths = config.get("auths")
    if not isinstance(auths, dict):
        return None
    entry = auths.get(server)
    if entry is None:
        want = _hostname(server)
        entry = next((v for k, v in auths.items() if _hostname(str(k)) == want), None)
    if not isinstance(entry, dict):
        return None
    return _from_entry(entry, server, path)


def registry_auth_header(creds: Credentials) -> str:
    """The ``X-Registry-Auth`` value for ``creds``: base64url of JSON ``{username, password,
    serveraddress}``, or ``{identitytoken}`` when there is a token."""
    doc: dict[str, str]
    if creds.identitytoken:
        doc = {"identitytoken": creds.identitytoken}
    else:
        doc = {"username": creds.username, "password": creds.password,
               "serveraddress": creds.serveraddress}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode("ascii")


def registry_auth_for(reference: str, env: Mapping[str, str] | None = None,
                      run_helper: RunHelper = run_credential_helper) -> str | None:
    """The ``X-Registry-Auth`` value for pulling ``reference``, from the user's docker config
    (``$DOCKER_CONFIG`` or ``~/.docker``), or ``None`` when it holds no credentials for it."""
    env = os.environ if env is None else env
    creds = credentials_for(registry_of(reference), docker_config_dir(env), run_helper)
    return None if creds is None else registry_auth_header(creds)


def _read_config(path: Path) -> dict[str, Any] | None:
    config = read_json_file(path, CredentialsError)
    if config is not None and not isinstance(config, dict):
        raise CredentialsError(f"{path} is not a JSON object")
    return config


def _from_entry(entry: dict[str, Any], server: str, path: Path) -> Credentials | None:
    username = entry.get("username") if isinstance(entry.get("username"), str) else ""
    password = entry.get("password") if isinstance(entry.get("password"), str) else ""
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            plain = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise CredentialsError(
                f"{path}: auths[{server!r}].auth is not base64 of user:password") from None
        username, sep, password = plain.partition(":")
        if not sep:
            raise CredentialsError(
                f"{path}: auths[{server!r}].auth does not hold user:password")
    token = entry.get("identitytoken")
    token = token if isinstance(token, str) else ""
    if not (username or password or token):
        return None
    return Credentials(server, str(username), str(password), token)


def _from_helper(name: str, server: str, run_helper: RunHelper) -> Credentials | None:
    program = f"docker-credential-{name}"
    answer = run_helper(program, server)
    out = answer.stdout.strip()
    if answer.code != 0:
        said = out or answer.stderr.strip()
        if _NOT_FOUND in said.lower():
            return None
        reason = said.splitlines()[0][:200] if said else "no message"
        raise CredentialsError(
            f"the credential helper {program} failed for {server} (exit {answer.code}): "
            f"{reason}")
    try:
        doc = json.loads(out)
    except (ValueError, RecursionError):
        raise CredentialsError(
            f"the credential helper {program} answered something that is not JSON") from None
    if not isinstance(doc, dict):
        raise CredentialsError(f"the credential helper {program} answered no JSON object")
    username = doc.get("Username")
    secret = doc.get("Secret")
    if not isinstance(username, str) or not isinstance(secret, str):
        raise CredentialsError(
            f"the credential helper {program} answered without Username and Secret")
    if not secret:
        return None
    if username == "<token>":
        return Credentials(server, identitytoken=secret)
    return Credentials(server, username, secret)


__all__ = [
    "DOCKER_HUB",
    "Credentials",
    "CredentialsError",
    "HelperAnswer",
    "credentials_for",
    "registry_auth_for",
    "registry_auth_header",
    "registry_of",
    "run_credential_helper",
]
