"""``GET /containers/{id}/logs`` as an Observable of :class:`~genet_rx.model.logs.LogLine`."""

from __future__ import annotations

from collections.abc import Callable

import reactivex
from reactivex import Observable

from genet_rx.api import containers
from genet_rx.api.client import EngineClient, segment
from genet_rx.model.logs import DEFAULT_MAX_LINE_BYTES, DEFAULT_RING_CAPACITY, LogLine
from genet_rx.wire.body_shape import is_multiplexed
from genet_rx.wire.frames import LogDemuxer
from genet_rx.wire.http import HTTPStream
from genet_rx.wire.streams import observe_stream


def logs(
    client: EngineClient,
    container_id: str,
    follow: bool = True,
    tail: int | None = DEFAULT_RING_CAPACITY,
    timestamps: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> Observable[LogLine]:
    """A container's stdout and stderr as an Observable of :class:`LogLine`.

    Each subscription inspects the container (for ``Config.Tty``), opens
    ``/containers/{id}/logs`` on its own connection and reader thread, picks the body shape
    with :func:`is_multiplexed`, and emits lines as they complete. ``tail`` is how many past
    lines to start with (``None``: all). With ``follow`` the Observable goes on until the
    container's output ends (it stops) or it is disposed, which closes the socket; without,
    it completes after the logs so far. Errors (no such container, a lost connection) arrive
    as ``on_error`` with the client's typed errors. An id that cannot name a container
    raises ValueError at once.
    """
    path = f"/containers/{segment(container_id)}/logs"
    query = {
        "follow": "1" if follow else "0",
        "stdout": "1",
        "stderr": "1",
        "tail": "all" if tail is None else str(max(0, tail)),
        "timestamps": "1" if timestamps else "0",
    }

    def subscription() -> Observable[LogLine]:
        demuxer: list[LogDemuxer] = []  # made once the response's headers are known

        def open_stream(on_open: Callable[[Callable[[], None]], None]) -> HTTPStream:
            config = containers.inspect(client, container_id).get("Config")
            tty = bool(config.get("Tty")) if isinstance(config, dict) else False
            stream = client.open_stream(path, query, on_open)
            multiplexed = is_multiplexed(
                client.api_version or "0", stream.headers.get("content-type"), tty
            )
            demuxer.append(
                LogDemuxer(
                    multiplexed=multiplexed, timestamps=timestamps, max_line_bytes=max_line_bytes
                )
            )
            return stream

        return observe_stream(
            open_stream,
            lambda data: demuxer[0].feed(data),
            lambda: demuxer[0].close(),
            name=f"genet-logs-{container_id[:12]}",
        )

    return reactivex.defer(lambda _scheduler: subscription())
