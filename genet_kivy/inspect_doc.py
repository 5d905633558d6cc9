"""A container's inspect document as readable sections, with secret-looking values masked.

Pure: no Kivy. :func:`sections` turns the engine's ``/containers/{id}/json`` answer into
:class:`Section` values (State, Config, Env, Mounts, Ports/Network, Labels, Restart policy,
Health log); every field is read defensively (a missing or odd field is left out, never an
error). :func:`is_secret` says whether an environment variable looks like it holds a secret;
such values are shown as :data:`MASK` until the person taps them, and copied masked too unless
revealed. Nothing here logs anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

MASK = "••••••••"  # fixed length: the mask says nothing about the value's length

#: Words that, anywhere in a variable's name, mark its value as secret.
SECRET_WORDS = (
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SIGNATURE",
    "COOKIE",
    "SESSION",
    "SALT",
    "CERT",
)
#: Whole parts of a name (split on ``_ - .``) that mark a secret: DB_PASS, SMTP_PWD, API_PW.
SECRET_PARTS = frozenset({"PASS", "PWD", "PW", "PIN", "DSN", "CREDS"})
#: A URL with credentials in its value (``postgres://user:pw@host``) is secret too.
_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)


def is_secret(name: str, value: str = "") -> bool:
    """Whether ``name=value`` looks like it holds a secret (errs on the side of masking)."""
    upper = name.upper()
    if any(word in upper for word in SECRET_WORDS):
        return True
    parts = set(re.split(r"[_\-.]", upper))
    if upper != "PWD" and parts & SECRET_PARTS:  # bare PWD is the shell's working directory
        return True
    return bool(_URL_WITH_PASSWORD.search(value))


def masked(name: str, value: str, revealed: bool = False) -> str:
    """The value as shown: :data:`MASK` for a secret not revealed, else the value."""
    return MASK if is_secret(name, value) and not revealed else value


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    value: str
    secret: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    entries: tuple[Entry, ...]


TITLES = {
    "state": "State",
    "config": "Config",
    "env": "Env",
    "mounts": "Mounts",
    "network": "Ports / Network",
    "labels": "Labels",
    "restart": "Restart policy",
    "health": "Health log",
}


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """A JSON value as one readable string ("" for null/empty)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return " ".join(_quote(str(v)) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _quote(word: str) -> str:
    return json.dumps(word) if (not word or any(c.isspace() for c in word)) else word


def _entries(pairs: Iterable[tuple[str, Any]]) -> tuple[Entry, ...]:
    out = []
    for label, value in pairs:
        text = _text(value)
        if text:
            out.append(Entry(label, text))
    return tuple(out)


def _time(value: Any) -> str:
    """Go's zero time means "never": leave it out."""
    return "" if not isinstance(value, str) or value.startswith("0001-01-01") else value


def env_entries(env: Any) -> tuple[Entry, ...]:
    out = []
    for item in env if isinstance(env, list) else ():
        if not isinstance(item, str):
            continue
        name, sep, value = item.partition("=")
        out.append(Entry(name, value if sep else "", is_secret(name, value)))
    return tuple(out)


def sections(doc: dict[str, Any]) -> list[Section]:
    """The inspect document in the sections people look for, in a fixed order."""
    state = _d(doc.get("State"))
    config = _d(doc.get("Config"))
    host = _d(doc.get("HostConfig"))
    net = _d(doc.get("NetworkSettings"))
    health = _d(state.get("Health"))

    state_entries = _entries(
        [
            ("Status", state.get("Status")),
            ("Running", state.get("Running")),
            ("Paused", state.get("Paused")),
            ("Restarting", state.get("Restarting")),
            ("OOM killed", state.get("OOMKilled")),
            ("Dead", state.get("Dead")),
            ("PID", state.get("Pid") or None),
            ("Exit code", state.get("ExitCode")),
            ("Error", state.get("Error")),
            ("Started", _time(state.get("StartedAt"))),
            ("Finished", _time(state.get("FinishedAt"))),
            ("Health", health.get("Status")),
            ("Failing streak", health.get("FailingStreak") or None),
        ]
    )
    check = _d(config.get("Healthcheck"))
    config_entries = _entries(
        [
            ("Name", str(doc.get("Name") or "").lstrip("/")),
            ("ID", doc.get("Id")),
            ("Created", doc.get("Created")),
            ("Image", config.get("Image")),
            ("Image ID", doc.get("Image")),
            ("Command", config.get("Cmd")),
            ("Entrypoint", config.get("Entrypoint")),
            ("Working dir", config.get("WorkingDir")),
            ("User", config.get("User")),
            ("Hostname", config.get("Hostname")),
            ("TTY", config.get("Tty")),
            ("Open stdin", config.get("OpenStdin")),
            ("Stop signal", config.get("StopSignal")),
            ("Stop timeout", config.get("StopTimeout")),
            ("Health check", check.get("Test")),
            ("Platform", doc.get("Platform")),
            ("Driver", doc.get("Driver")),
            ("Log driver", _d(host.get("LogConfig")).get("Type")),
            ("Memory limit", host.get("Memory") or None),
            ("CPUs", (host.get("NanoCpus") or 0) / 1e9 or None),
            ("Privileged", host.get("Privileged") or None),
        ]
    )
    mounts = []
    for m in doc.get("Mounts") or []:
        m = _d(m)
        kind = m.get("Type") or "mount"
        source = m.get("Name") if kind == "volume" and m.get("Name") else m.get("Source")
        mode = "read-write" if m.get("RW", True) else "read-only"
        mounts.append(Entry(str(m.get("Destination", "")), f"{kind} {source or ''} ({mode})"))
    network = []
    ports = _d(net.get("Ports"))
    for port in sorted(ports):
        bindings = ports[port]
        if isinstance(bindings, list) and bindings:
            where = ", ".join(
                f"{_d(b).get('HostIp') or '0.0.0.0'}:{_d(b).get('HostPort', '')}" for b in bindings
            )
            network.append(Entry(port, f"published on {where}"))
        else:
            network.append(Entry(port, "exposed, not published"))
    network.extend(_entries([("Network mode", host.get("NetworkMode"))]))
    for name, n in sorted(_d(net.get("Networks")).items()):
        n = _d(n)
        facts = [
            f"IP {n['IPAddress']}/{n.get('IPPrefixLen', '')}" if n.get("IPAddress") else "",
            f"gateway {n['Gateway']}" if n.get("Gateway") else "",
            f"MAC {n['MacAddress']}" if n.get("MacAddress") else "",
            f"aliases {' '.join(n['Aliases'])}" if n.get("Aliases") else "",
        ]
        network.append(Entry(f"Network {name}", ", ".join(f for f in facts if f) or "attached"))
    labels = _d(config.get("Labels"))
    policy = _d(host.get("RestartPolicy"))
    restart = _entries(
        [
            ("Policy", policy.get("Name") or "no"),
            ("Max retries", policy.get("MaximumRetryCount") or None),
            ("Restarts so far", doc.get("RestartCount")),
            ("Remove when stopped", host.get("AutoRemove")),
        ]
    )
    health_log = []
    for probe in health.get("Log") or []:
        probe = _d(probe)
        output = str(probe.get("Output") or "").strip()
        health_log.append(
            Entry(
                str(probe.get("Start", ""))[:19].replace("T", " "),
                f"exit {probe.get('ExitCode', '?')}" + (f": {output}" if output else ""),
            )
        )
    if not health_log:
        health_log.append(Entry("", "No health check results."))
    return [
        Section("state", TITLES["state"], state_entries),
        Section("config", TITLES["config"], config_entries),
        Section("env", TITLES["env"], env_entries(config.get("Env"))),
        Section("mounts", TITLES["mounts"], tuple(mounts) or (Entry("", "No mounts."),)),
        Section("network", TITLES["network"], tuple(network) or (Entry("", "No network."),)),
        Section(
            "labels",
            TITLES["labels"],
            tuple(Entry(k, str(v)) for k, v in sorted(labels.items()))
            or (Entry("", "No labels."),),
        ),
        Section("restart", TITLES["restart"], restart),
        Section("health", TITLES["health"], tuple(health_log)),
    ]


def section_text(section: Section, revealed: Collection[str] = ()) -> str:
    """A section as plain text for the clipboard; secrets stay masked unless revealed."""
    lines = [section.title]
    for e in section.entries:
        value = MASK if e.secret and e.label not in revealed else e.value
        lines.append(
            f"{e.label}={value}"
            if section.key == "env"
            else (f"{e.label}: {value}" if e.label else value)
        )
    return "\n".join(lines) + "\n"


def document_text(doc: dict[str, Any], revealed: Collection[str] = ()) -> str:
    """The whole document as indented JSON; secret env values masked unless revealed."""
    config = _d(doc.get("Config"))
    env = config.get("Env")
    if isinstance(env, list):
        shown = []
        for item in env:
            if isinstance(item, str):
                name, sep, value = item.partition("=")
                if sep and is_secret(name, value) and name not in revealed:
                    item = f"{name}={MASK}"
            shown.append(item)
        doc = {**doc, "Config": {**config, "Env": shown}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
