"""Which engine to talk to, chosen the way the docker CLI chooses.

Order: an explicit ``--host``; ``DOCKER_HOST``; ``DOCKER_CONTEXT``; ``currentContext`` in
``$DOCKER_CONFIG/config.json`` (default ``~/.docker``); then the local socket. A context's
endpoint is in ``contexts/meta/<sha256(name)>/meta.json`` → ``Endpoints.docker.Host``, its TLS
files in ``contexts/tls/<sha256(name)>/docker/``. A config or context file that cannot be read
or parsed is a :class:`HostError` that names the file — never a silent fallback to another
engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct

from genet_rx.errors import GenetError, HostError

DEFAULT_HOST = "unix:///var/run/docker.sock"


def config_dir(env: Mapping[str, str]) -> Path:
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"])
    return Path(env.get("HOME") or Path.home()) / ".docker"


def read_json_file(path: Path, error: type[GenetError] = HostError) -> Any:
    """A docker CLI file (config.json, a context's meta.json) decoded, or None when it does not
    exist. Anything else wrong is ``error`` naming the file and the position only: the text
    around a syntax error could be a secret."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {type(exc).__name__}") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise error(f"{path} is not valid JSON{where}") from None


class Chosen(Struct, frozen=True):
    """The engine chosen: its URL, a TLS directory, and whether its context asks to skip
    verifying the engine's certificate (``SkipTLSVerify``, honoured only when set)."""

    url: str
    tls_dir: str | None = None
    skip_verify: bool = False


def context_host(name: str, env: Mapping[str, str]) -> Chosen:
    """The engine of a docker context: its URL, TLS directory, SkipTLSVerify."""
    if name == "default":
        return Chosen(env.get("DOCKER_HOST") or DEFAULT_HOST)
    digest = hashlib.sha256(name.encode()).hexdigest()
    base = config_dir(env) / "contexts"
    meta_path = base / "meta" / digest / "meta.json"
    meta = read_json_file(meta_path)
    if meta is None:
        raise HostError(f"docker context {name!r} does not exist (no {meta_path})")
    endpoints = meta.get("Endpoints") if isinstance(meta, dict) else None
    docker = endpoints.get("docker") if isinstance(endpoints, dict) else None
    if not isinstance(docker, dict):
        docker = {}
    host = docker.get("Host")
    if not isinstance(host, str) or not host:
        raise HostError(f"docker context {name!r}: {meta_path} has no Endpoints.docker.Host")
    tls = base / "tls" / digest / "docker"
    return Chosen(host, str(tls) if tls.is_dir() else None, docker.get("SkipTLSVerify") is True)


#: What the docker CLI accepts as a context name.
CONTEXT_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.+-]+")


def context_names(env: Mapping[str, str] | None = None) -> list[str]:
    """Every context in the docker CLI's store, ``default`` first, the rest by name.

    A meta.json that cannot be read is a :class:`HostError` naming it: a context is never
    silently left out.
    """
    env = os.environ if env is None else env
    names = []
    meta = config_dir(env) / "contexts" / "meta"
    for path in sorted(meta.glob("*/meta.json")) if meta.is_dir() else []:
        doc = read_json_file(path)
        name = doc.get("Name") if isinstance(doc, dict) else None
        if not isinstance(name, str) or not CONTEXT_NAME.fullmatch(name):
            raise HostError(f"{path} names no valid docker context")
        names.append(name)
    return ["default", *sorted(n for n in names if n != "default")]


def resolve_host(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Chosen:
    """The engine to use, by the docker CLI's order of choice.

    An explicit value with ``://`` is a URL; without, it is a docker context's name.
    """
    env = os.environ if env is None else env
    if explicit and "://" not in explicit:
        if not CONTEXT_NAME.fullmatch(explicit.strip()):
            raise HostError(f"{explicit!r} is neither a host URL (unix:///path/to/docker.sock, "
                            "tcp://host:port) nor a docker context name")
        return context_host(explicit.strip(), env)
    if explicit:
        return Chosen(explicit)
    if env.get("DOCKER_HOST"):
        return Chosen(env["DOCKER_HOST"])
    if env.get("DOCKER_CONTEXT"):
        return context_host(env["DOCKER_CONTEXT"], env)
    config = read_json_file(config_dir(env) / "config.json")
    if config is not None and not isinstance(config, dict):
        raise HostError(f"{config_dir(env) / 'config.json'} is not a JSON object")
    current = config.get("currentContext") if isinstance(config, dict) else None
    if isinstance(current, str) and current:
        return context_host(current, env)
    return Chosen(DEFAULT_HOST)
