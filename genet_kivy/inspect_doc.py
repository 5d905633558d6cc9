"""A container's inspect document as readable sections, with secret-looking values masked.

Pure: no Kivy. :func:`sections` turns the engine's ``/containers/{id}/json`` answer into
:class:`Section` values (State, Config, Env, Mounts, Ports/Network, Labels, Restart policy,
Health log). Every field is read defensively: a document of odd shape (``Mounts: 3``, a
number where a list of objects should be, ``Aliases: [1]``) shows what can be shown and
never raises. Masking follows :mod:`genet_kivy.masking`: an entry whose text holds a secret
carries its masked text, shown (and copied) until the person reveals that entry by its
:func:`entry_key`. Nothing here logs anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from typing import Any

from msgspec import Struct

from genet_rx.model.common import command_line

from .masking import MASK, is_secret, mask_args, mask_urls, mask_value

__all__ = [
    "MASK",
    "Entry",
    "Section",
    "document_text",
    "entry_key",
    "env_entries",
    "is_secret",
    "masked",
    "section_text",
    "sections",
]


def masked(name: str, value: str, revealed: bool = False) -> str:
    """An environment variable's value as shown: masked unless revealed."""
    return value if revealed else mask_value(name, value)


class Entry(Struct, frozen=True):
    """``label: value``; ``masked`` is the text shown until revealed ("" when nothing is)."""

    label: str
    value: str
    masked: str = ""

    @property
    def secret(self) -> bool:
        return bool(self.masked)

    def shown(self, revealed: bool = False) -> str:
        return self.masked if self.masked and not revealed else self.value


class Section(Struct, frozen=True):
    key: str
    title: str
    entries: tuple[Entry, ...]


def entry_key(section: str, label: str) -> str:
    """What names one entry for revealing it (``env:DB_PASSWORD``, ``config:Command``)."""
    return f"{section}:{label}"


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
EMPTY = {
    "mounts": "No mounts.",
    "network": "No network.",
    "labels": "No labels.",
    "health": "No health check results.",
}


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


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
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _quote(word: str) -> str:
    return json.dumps(word) if (not word or any(c.isspace() for c in word)) else word


def _entry(label: str, value: str, masked_text: str | None = None) -> Entry:
    """An entry whose masked text is ``masked_text`` (URL credentials masked by default)."""
    hidden = mask_urls(value) if masked_text is None else masked_text
    return Entry(label, value, hidden if hidden != value else "")


def _args(value: Any) -> tuple[str, str]:
    """A command (a list of words, or one string) and its masked form, as text: a list in
    the one command-line form the Overview shows too (:func:`command_line`)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return command_line(value), command_line(mask_args(value))
    text = _text(value)
    return text, _text(mask_args(text.split(" "))) if text else ""


def _entries(pairs: Iterable[tuple[str, Any]]) -> tuple[Entry, ...]:
    out = []
    for label, value in pairs:
        text = _text(value)
        if text:
            out.append(_entry(label, text))
    return tuple(out)


def _time(value: Any) -> str:
    """Go's zero time means "never": leave it out."""
    return "" if not isinstance(value, str) or value.startswith("0001-01-01") else value


def env_entries(env: Any) -> tuple[Entry, ...]:
    out = []
    for item in _l(env):
        if not isinstance(item, str):
            continue
        name, sep, value = item.partition("=")
        value = value if sep else ""
        out.append(Entry(name, value, m if (m := mask_value(name, value)) != value else ""))
    return tuple(out)


def _state(doc: dict[str, Any]) -> tuple[Entry, ...]:
    state = _d(doc.get("State"))
    health = _d(state.get("Health"))
    return _entries(
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


def _command_entry(label: str, value: Any) -> Entry | None:
    text, hidden = _args(value)
    return _entry(label, text, hidden) if text else None


def _config(doc: dict[str, Any]) -> tuple[Entry, ...]:
    config = _d(doc.get("Config"))
    host = _d(doc.get("HostConfig"))
    pairs: list[tuple[str, Any] | Entry | None] = [
        ("Name", str(doc.get("Name") or "").lstrip("/")),
        ("ID", doc.get("Id")),
        ("Created", doc.get("Created")),
        ("Image", config.get("Image")),
        ("Image ID", doc.get("Image")),
        _command_entry("Command", config.get("Cmd")),
        _command_entry("Entrypoint", config.get("Entrypoint")),
        ("Working dir", config.get("WorkingDir")),
        ("User", config.get("User")),
        ("Hostname", config.get("Hostname")),
        ("TTY", config.get("Tty")),
        ("Open stdin", config.get("OpenStdin")),
        ("Stop signal", config.get("StopSignal")),
        ("Stop timeout", config.get("StopTimeout")),
        _command_entry("Health check", _d(config.get("Healthcheck")).get("Test")),
        ("Platform", doc.get("Platform")),
        ("Driver", doc.get("Driver")),
        ("Log driver", _d(host.get("LogConfig")).get("Type")),
        ("Memory limit", host.get("Memory") or None),
        ("CPUs", _num(host.get("NanoCpus")) / 1e9 or None),
        ("Privileged", host.get("Privileged") or None),
    ]
    out: list[Entry] = []
    for pair in pairs:
        if isinstance(pair, Entry):
            out.append(pair)
        elif pair is not None:
            out.extend(_entries([pair]))
    return tuple(out)


def _mounts(doc: dict[str, Any]) -> tuple[Entry, ...]:
    out = []
    for item in _l(doc.get("Mounts")):
        if not isinstance(item, dict):
            if _text(item):
                out.append(_entry("", _text(item)))
            continue
        kind = _text(item.get("Type")) or "mount"
        source = item.get("Name") if kind == "volume" and item.get("Name") else item.get("Source")
        mode = "read-write" if item.get("RW", True) else "read-only"
        out.append(_entry(_text(item.get("Destination")), f"{kind} {_text(source)} ({mode})"))
    return tuple(out)


def _network(doc: dict[str, Any]) -> tuple[Entry, ...]:
    host = _d(doc.get("HostConfig"))
    net = _d(doc.get("NetworkSettings"))
    out = []
    ports = _d(net.get("Ports"))
    for port in sorted(ports):
        bindings = _l(ports[port])
        if bindings:
            where = ", ".join(
                f"{_text(_d(b).get('HostIp')) or '0.0.0.0'}:{_text(_d(b).get('HostPort'))}"
                for b in bindings
            )
            out.append(_entry(port, f"published on {where}"))
        else:
            out.append(_entry(port, "exposed, not published"))
    out.extend(_entries([("Network mode", host.get("NetworkMode"))]))
    for name, n in sorted(_d(net.get("Networks")).items()):
        n = _d(n)
        aliases = " ".join(_text(a) for a in _l(n.get("Aliases")) if _text(a))
        facts = [
            f"IP {_text(n.get('IPAddress'))}/{_text(n.get('IPPrefixLen'))}"
            if n.get("IPAddress")
            else "",
            f"gateway {_text(n.get('Gateway'))}" if n.get("Gateway") else "",
            f"MAC {_text(n.get('MacAddress'))}" if n.get("MacAddress") else "",
            f"aliases {aliases}" if aliases else "",
        ]
        out.append(_entry(f"Network {name}", ", ".join(f for f in facts if f) or "attached"))
    return tuple(out)


def _labels(doc: dict[str, Any]) -> tuple[Entry, ...]:
    out = []
    for key, value in sorted(_d(_d(doc.get("Config")).get("Labels")).items()):
        text = value if isinstance(value, str) else _text(value)
        out.append(_entry(key, text, mask_value(key, text)))
    return tuple(out)


def _restart(doc: dict[str, Any]) -> tuple[Entry, ...]:
    host = _d(doc.get("HostConfig"))
    policy = _d(host.get("RestartPolicy"))
    return _entries(
        [
            ("Policy", policy.get("Name") or "no"),
            ("Max retries", policy.get("MaximumRetryCount") or None),
            ("Restarts so far", doc.get("RestartCount")),
            ("Remove when stopped", host.get("AutoRemove")),
        ]
    )


def _health(doc: dict[str, Any]) -> tuple[Entry, ...]:
    health = _d(_d(doc.get("State")).get("Health"))
    out = []
    for probe in _l(health.get("Log")):
        probe = _d(probe)
        output = _text(probe.get("Output")).strip()
        exit_code = probe.get("ExitCode")
        out.append(
            _entry(
                _text(probe.get("Start"))[:19].replace("T", " "),
                f"exit {'?' if exit_code is None else _text(exit_code)}"
                + (f": {output}" if output else ""),
            )
        )
    return tuple(out)


READERS: dict[str, Callable[[dict[str, Any]], tuple[Entry, ...]]] = {
    "state": _state,
    "config": _config,
    "env": lambda doc: env_entries(_d(doc.get("Config")).get("Env")),
    "mounts": _mounts,
    "network": _network,
    "labels": _labels,
    "restart": _restart,
    "health": _health,
}


def sections(doc: Any) -> list[Section]:
    """The inspect document in the sections people look for, in a fixed order; never raises."""
    doc = _d(doc)
    out = []
    for key, read in READERS.items():
        try:
            entries = read(doc)
        except Exception:  # a shape no reader foresaw: the other sections still show
            entries = (Entry("", "This part of the document could not be read."),)
        if not entries and key in EMPTY:
            entries = (Entry("", EMPTY[key]),)
        out.append(Section(key, TITLES[key], entries))
    return out


def section_text(section: Section, revealed: Collection[str] = ()) -> str:
    """A section as plain text for the clipboard; secrets stay masked unless revealed."""
    lines = [section.title]
    for e in section.entries:
        value = e.shown(entry_key(section.key, e.label) in revealed)
        lines.append(
            f"{e.label}={value}"
            if section.key == "env"
            else (f"{e.label}: {value}" if e.label else value)
        )
    return "\n".join(lines) + "\n"


def _masked_everywhere(value: Any) -> Any:
    """Every string in a JSON value with URL credentials masked."""
    if isinstance(value, str):
        return mask_urls(value)
    if isinstance(value, list):
        return [_masked_everywhere(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_everywhere(v) for k, v in value.items()}
    return value


def document_text(doc: Any, revealed: Collection[str] = ()) -> str:
    """The whole document as indented JSON, masked as the sections are unless revealed.

    Env values, label values and the command, entrypoint and health check follow their
    entries (revealed by :func:`entry_key`); credentials in any other URL stay masked.
    """
    if not isinstance(doc, dict):
        return json.dumps(_masked_everywhere(doc), indent=2, ensure_ascii=False) + "\n"
    out = _masked_everywhere(doc)
    config, shown_config = _d(doc.get("Config")), _d(out.get("Config"))
    if shown_config:
        env = config.get("Env")
        if isinstance(env, list):
            shown_config["Env"] = [_env_item(item, revealed) for item in env]
        labels = config.get("Labels")
        if isinstance(labels, dict):
            shown_config["Labels"] = {
                k: (v if entry_key("labels", k) in revealed or not isinstance(v, str)
                    else mask_value(k, v))
                for k, v in labels.items()
            }
        for field, label in (("Cmd", "Command"), ("Entrypoint", "Entrypoint")):
            shown_config[field] = _command(config.get(field), entry_key("config", label),
                                           revealed, shown_config.get(field))
        check = _d(config.get("Healthcheck"))
        if check and isinstance(shown_config.get("Healthcheck"), dict):
            shown_config["Healthcheck"]["Test"] = _command(
                check.get("Test"), entry_key("config", "Health check"), revealed,
                shown_config["Healthcheck"].get("Test"),
            )
    if "Args" in doc:
        out["Args"] = _command(doc.get("Args"), entry_key("config", "Command"), revealed,
                               out.get("Args"))
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _env_item(item: Any, revealed: Collection[str]) -> Any:
    if not isinstance(item, str):
        return _masked_everywhere(item)
    name, sep, value = item.partition("=")
    if not sep or entry_key("env", name) in revealed:
        return item
    return f"{name}={mask_value(name, value)}"


def _command(value: Any, key: str, revealed: Collection[str], default: Any) -> Any:
    if key in revealed:
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return mask_args(value)
    return default

