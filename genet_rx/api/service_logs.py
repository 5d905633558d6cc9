"""``GET /services/{id}/logs`` as an Observable of :class:`ServiceLogLine`.

The body is framed as a container's logs (the same demuxer); ``details=true`` makes the engine
mark each entry with its task and node, which :class:`DetailsSplitter` takes off.
"""

from __future__ import annotations

from collections.abc import Callable

import reactivex
from reactivex import Observable

from genet_rx.api.client import EngineClient, segment
from genet_rx.model.common import obj
from genet_rx.model.logs import DEFAULT_MAX_LINE_BYTES, DEFAULT_RING_CAPACITY
from genet_rx.model.service_logs import DetailsSplitter, ServiceLogLine
from genet_rx.wire.body_shape import is_multiplexed
from genet_rx.wire.frames import LogDemuxer
from genet_rx.wire.http import HTTPStream
from genet_rx.wire.streams import observe_stream


def service_logs(
    client: EngineClient,
    service_id: str,
    follow: bool = True,
    tail: int | None = DEFAULT_RING_CAPACITY,
    timestamps: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> Observable[ServiceLogLine]:
    """Every task's output of a service, each line marked with its task and node.

    Each subscription inspects the service (a TTY service's body is raw), opens
    ``/services/{id}/logs`` on its own connection and reader thread, and emits lines as they
    complete; ``tail`` counts lines per task. With ``follow`` it goes on until disposed (which
    closes the socket); without, it completes after the logs so far. Errors (no such service,
    not a swarm manager, a lost connection) arrive as ``on_error`` with the client's typed
    errors.
    """
    path = f"/services/{segment(service_id)}/logs"
    query = {
        "follow": "1" if follow else "0",
        "stdout": "1",
        "stderr": "1",
        "details": "1",
        "tail": "all" if tail is None else str(max(0, tail)),
        "timestamps": "1" if timestamps else "0",
    }

    def subscription() -> Observable[ServiceLogLine]:
        demuxer: list[LogDemuxer] = []  # made once the response's headers are known
        splitter = DetailsSplitter()

        def open_stream(on_open: Callable[[Callable[[], None]], None]) -> HTTPStream:
            doc = client.request("GET", f"/services/{segment(service_id)}").json()
            spec = obj(obj(obj(doc if isinstance(doc, dict) else {}, "Spec"), "TaskTemplate"),
                       "ContainerSpec")
            stream = client.open_stream(path, query, on_open)
            multiplexed = is_multiplexed(client.api_version or "0",
                                         stream.headers.get("content-type"),
                                         spec.get("TTY") is True)
            demuxer.append(LogDemuxer(multiplexed=multiplexed, timestamps=timestamps,
                                      max_line_bytes=max_line_bytes))
            return stream

        return observe_stream(
            open_stream,
            lambda data: splitter.lines(demuxer[0].feed(data)),
            lambda: splitter.lines(demuxer[0].close()),
            name=f"genet-service-logs-{service_id[:12]}",
        )

    return reactivex.defer(lambda _scheduler: subscription())
