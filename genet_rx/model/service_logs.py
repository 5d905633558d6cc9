"""A swarm service's log lines, each marked with the task and node it came from.

``GET /services/{id}/logs?details=true`` answers the same body as a container's logs (see
:mod:`genet_rx.wire.frames`), but each entry starts with the entry's attributes and a space:
``com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… text``
(``key=value`` pairs sorted by key, joined by commas, values URL-query-escaped; with
``timestamps`` the stamp comes first and the demuxer has already taken it off). Only the first
piece of a line cut at ``max_line_bytes`` carries them: :class:`DetailsSplitter` remembers,
per stream, whether the previous piece was continued.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final
from urllib.parse import unquote_plus

from msgspec import Struct, field

from genet_rx.model.logs import ERROR, LogLine

TASK_ID: Final = "com.docker.swarm.task.id"
NODE_ID: Final = "com.docker.swarm.node.id"
SERVICE_ID: Final = "com.docker.swarm.service.id"

_PAIR = r"[A-Za-z0-9_.\-]+=[^,\s]*"
_DETAILS: Final = re.compile(rf"({_PAIR}(?:,{_PAIR})*) ?")
_NONE: Mapping[str, str] = MappingProxyType({})


class ServiceLogLine(Struct, frozen=True):
    """One log line of a service: the line as a container's would be, and where it came from
    (``task_id`` / ``node_id`` empty when the engine did not say, as for its own errors)."""

    line: LogLine
    task_id: str = ""
    node_id: str = ""
    details: Mapping[str, str] = field(default_factory=lambda: _NONE)

    @property
    def text(self) -> str:
        return self.line.text


def split_details(text: str) -> tuple[Mapping[str, str], str]:
    """The attributes at the start of an entry, and the entry's own text (``({}, text)`` when
    it does not start with ``key=value`` pairs)."""
    found = _DETAILS.match(text)
    if found is None:
        return _NONE, text
    pairs = (pair.split("=", 1) for pair in found.group(1).split(","))
    return MappingProxyType({k: unquote_plus(v) for k, v in pairs}), text[found.end():]


class DetailsSplitter:
    """Sans-IO: log lines of a ``details=true`` body in, service log lines out."""

    def __init__(self) -> None:
        self._continuing: dict[str, tuple[str, str, Mapping[str, str]]] = {}

    def lines(self, lines: Iterable[LogLine]) -> list[ServiceLogLine]:
        return [self.line(line) for line in lines]

    def line(self, line: LogLine) -> ServiceLogLine:
        held = self._continuing.pop(line.stream, None)
        if held is not None:  # a later piece of a cut line: the first piece's marks
            task, node, details = held
            text = line.text
        elif line.stream == ERROR:
            return ServiceLogLine(line)
        else:
            details, text = split_details(line.text)
            task, node = details.get(TASK_ID, ""), details.get(NODE_ID, "")
        if line.continued:
            self._continuing[line.stream] = (task, node, details)
        plain = LogLine(line.stream, text, line.time_ns, line.continued)
        return ServiceLogLine(plain, task, node, details)
