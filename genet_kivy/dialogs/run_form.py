"""The run dialog's input, checked before anything is sent: pure, no Kivy.

``check_run(form)`` turns what a person typed into the arguments of ``RunContainer`` or into
messages that say which line is wrong and why.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from msgspec import Struct, field

RESTART_POLICIES = ("no", "always", "unless-stopped", "on-failure")

_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")  # the engine's rule for container names
_VOLUME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")  # and for volume names
_ENV_KEY = re.compile(r"^[^=\s]+$")


class RunForm(Struct, frozen=True):
    """The fields of the run dialog, as typed."""

    image: str = ""
    name: str = ""
    command: str = ""
    env: str = ""  # one NAME=value a line
    restart: str = "no"
    retries: str = ""  # on-failure only: the most restarts, blank for no limit
    mounts: str = ""  # one volume:/path a line
    network: str = ""  # a network's name, "" for the engine's default


class Checked(Struct, frozen=True):
    """``arguments`` for RunContainer when ``errors`` is empty."""

    arguments: dict[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def check_run(form: RunForm) -> Checked:
    """The RunContainer arguments for ``form``, or every message about what is wrong."""
    errors: list[str] = []
    image = form.image.strip()
    if not image:
        errors.append("Image: say which image to run (e.g. busybox).")
    elif any(c.isspace() for c in image):
        errors.append(f"Image: “{image}” has spaces; an image reference has none.")
    name = form.name.strip()
    if name and not _NAME.match(name):
        errors.append(f"Name: “{name}” is not a valid name (letters, digits, _ . -; "
                      "at least two characters, starting with a letter or digit).")
    cmd, cmd_error = parse_command(form.command)
    if cmd_error:
        errors.append(cmd_error)
    env, env_errors = parse_env(form.env)
    errors += env_errors
    restart, restart_error = parse_restart(form.restart, form.retries)
    if restart_error:
        errors.append(restart_error)
    mounts, mount_errors = parse_mounts(form.mounts)
    errors += mount_errors
    if errors:
        return Checked(errors=tuple(errors))
    return Checked(arguments={
        "image": image, "name": name.lstrip("/"), "cmd": cmd, "env": env, "restart": restart,
        "mounts": mounts, "network": form.network.strip(),
    })


def parse_command(text: str) -> tuple[tuple[str, ...], str]:
    """The command split as a shell would (quotes kept together), or a message."""
    try:
        return tuple(shlex.split(text)), ""
    except ValueError as exc:
        return (), f"Command: {exc} (check the quotes)."


def parse_env(text: str) -> tuple[tuple[str, ...], list[str]]:
    """``("K=V", …)`` from one ``NAME=value`` a line (blank lines skipped), and messages."""
    env: list[str] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        key, eq, value = line.partition("=")
        if not eq:
            errors.append(f"Environment line {number}: “{line}” is not NAME=value.")
        elif not _ENV_KEY.match(key):
            errors.append(f"Environment line {number}: “{key}” is not a variable name.")
        else:
            env.append(f"{key}={value}")
    return tuple(env), errors


def parse_restart(policy: str, retries: str) -> tuple[str, str]:
    """The restart policy as the engine takes it (``on-failure:3``), or a message."""
    if policy not in RESTART_POLICIES:
        return "no", f"Restart: “{policy}” is not one of {', '.join(RESTART_POLICIES)}."
    count = retries.strip()
    if policy != "on-failure" or not count:
        return policy, ""
    if not count.isdigit():
        return policy, f"Max retries: “{count}” is not a whole number."
    return f"on-failure:{int(count)}", ""


def parse_mounts(text: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """``((volume, /path), …)`` from one ``volume:/path`` a line, and messages."""
    mounts: list[tuple[str, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        volume, colon, path = line.partition(":")
        where = f"Volumes line {number}: “{line}”"
        if not colon or not volume or not path:
            errors.append(f"{where} is not volume:/path.")
        elif volume.startswith(("/", ".", "~")):
            errors.append(f"{where}: only named volumes can be mounted here, not host paths.")
        elif not _VOLUME.match(volume):
            errors.append(f"{where}: “{volume}” is not a volume name.")
        elif not path.startswith("/"):
            errors.append(f"{where}: the path in the container must start with /.")
        elif ":" in path:
            errors.append(f"{where}: options after the path are not supported.")
        else:
            mounts.append((volume, path))
    return tuple(mounts), errors


def check_name(text: str, what: str, required: bool) -> tuple[str, str]:
    """A volume or network name as typed, stripped, or a message."""
    name = text.strip()
    if not name:
        return "", f"{what}: give it a name." if required else ""
    if not _VOLUME.match(name):
        return name, (f"{what}: “{name}” is not a valid name (letters, digits, _ . -, "
                      "starting with a letter or digit).")
    return name, ""
