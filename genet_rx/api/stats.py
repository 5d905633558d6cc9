"""``GET /containers/{id}/stats`` as an Observable of :class:`~genet_rx.model.stats.Stats`."""

from __future__ import annotations

import logging

import reactivex
from reactivex import Observable

from genet_rx.api.client import EngineClient, segment
from genet_rx.model.stats import Stats, decode_stats_line
from genet_rx.wire.ndjson import LineSplitter
from genet_rx.wire.streams import observe_stream

log = logging.getLogger(__name__)


def stats(client: EngineClient, container_id: str) -> Observable[Stats]:
    """A running container's resource use, about one :class:`Stats` a second, as an Observable.

    Each subscription opens ``/containers/{id}/stats?stream=1`` on its own connection and
    reader thread. The first value's ``cpu_percent`` is 0 (no previous sample yet). A line
    that is not a stats record is logged and skipped. The Observable completes when the engine
    ends the stream (the container stopped or was removed) and errors with the client's typed
    errors; disposing it closes the socket. An id that cannot name a container raises
    ValueError at once.
    """
    path = f"/containers/{segment(container_id)}/stats"

    def subscription() -> Observable[Stats]:
        splitter = LineSplitter()

        def decode(lines: list[bytes]) -> list[Stats]:
            out: list[Stats] = []
            for line in lines:
                try:
                    out.append(decode_stats_line(line))
                except (ValueError, RecursionError) as exc:  # not JSON, too deep, not stats
                    log.warning("skipped a stats line (%d bytes): %s", len(line), exc)
            return out

        return observe_stream(
            lambda on_open: client.open_stream(path, {"stream": "1"}, on_open),
            lambda data: decode(splitter.feed(data)),
            lambda: decode(splitter.close()),
            name=f"genet-stats-{container_id[:12]}",
        )

    return reactivex.defer(lambda _scheduler: subscription())
