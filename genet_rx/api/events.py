"""``GET /events`` as an Observable of :class:`~genet_rx.model.events.Event`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import reactivex
from reactivex import Observable
from reactivex import operators as ops

from genet_rx.api.client import EngineClient
from genet_rx.model.events import Event, EventDecodeError, decode_event_line
from genet_rx.wire.ndjson import LineSplitter
from genet_rx.wire.streams import observe_stream

log = logging.getLogger(__name__)


def events(client: EngineClient, since: str | None = None, until: str | None = None,
           filters: Mapping[str, Iterable[str]] | None = None) -> Observable[Event]:
    """The engine's events, every kind unless ``filters`` narrows them.

    Records are split on newlines, not chunks. A malformed line is counted in
    ``client.malformed_events``, logged without its content, and skipped; the stream goes on.
    Each subscription opens its own connection and reader thread. The Observable completes
    when the engine ends the stream and errors when the connection fails.
    """
    query: dict[str, Any] = {"since": since, "until": until}
    if filters:
        query["filters"] = json.dumps({k: list(v) for k, v in filters.items()})

    def subscription() -> Observable[Event]:
        splitter = LineSplitter()

        def decode_lines(lines: list[bytes]) -> list[Event]:
            out = []
            for line in lines:
                try:
                    out.append(decode_event_line(line))
                except EventDecodeError as exc:
                    client.malformed_events += 1
                    log.warning("skipped an events line (%d bytes): %s", len(line), exc)
            return out

        def count_cut(_: object = None) -> None:
            rest = splitter.close()
            if rest:  # a record cut by the end of the stream is not an event
                client.malformed_events += 1
                log.warning("the events stream ended inside a record (%d bytes)", len(rest[0]))

        def flush() -> list[Event]:
            count_cut()
            return []

        return observe_stream(
            lambda on_open: client.open_stream("/events", query, on_open),
            lambda data: decode_lines(splitter.feed(data)),
            flush,
            name="genet-events",
        ).pipe(ops.do_action(on_error=count_cut))

    return reactivex.defer(lambda _scheduler: subscription())
