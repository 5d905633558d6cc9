"""Pulling an image, as an Observable of :class:`~genet_rx.model.pull.PullProgress`.

``POST /images/create?fromImage=…&tag=…`` on a connection of its own, read by a thread of its
own (``observe_stream``). The engine refuses some pulls before any stream (an unknown image:
404 "manifest … not found"; an unreachable registry: 500): those are the client's typed
errors. Once it has answered 200 it streams NDJSON progress lines, folded here one by one; a
failure midway arrives in-band and becomes :class:`PullError`. Disposing closes the
connection, and the engine cancels a pull whose client has gone: no image is left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import reactivex
from reactivex import Observable

from genet_rx.api.client import EngineClient
from genet_rx.model.pull import (
    PullDecodeError,
    PullError,
    PullProgress,
    decode_pull_line,
    finish,
    fold,
)
from genet_rx.wire.http import HTTPStream
from genet_rx.wire.ndjson import LineSplitter
from genet_rx.wire.streams import observe_stream

log = logging.getLogger(__name__)

_DEFAULT_TAG = "latest"


def parse_reference(reference: str) -> tuple[str, str]:
    """``(fromImage, tag)`` for a reference: ``busybox`` → ``("busybox", "latest")``,
    ``registry:5000/team/app:1.2`` → ``("registry:5000/team/app", "1.2")``, ``app@sha256:…``
    → ``("app", "sha256:…")`` (a digest wins over a tag). ValueError for an empty one."""
    ref = reference.strip()
    if not ref or any(c.isspace() for c in ref):
        raise ValueError(f"not an image reference: {reference!r}")
    name, at, digest = ref.partition("@")
    if at:
        if not digest or ":" not in digest:
            raise ValueError(f"not an image digest: {reference!r}")
        return _without_tag(name), digest
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not tag:
            raise ValueError(f"empty tag in {reference!r}")
        return _check_name(name, reference), tag
    return _check_name(name, reference), _DEFAULT_TAG


def _without_tag(name: str) -> str:
    slash = name.rfind("/")
    colon = name.rfind(":")
    return _check_name(name[:colon] if colon > slash else name, name)


def _check_name(name: str, reference: str) -> str:
    if not name or name.endswith("/") or name.startswith("/"):
        raise ValueError(f"not an image reference: {reference!r}")
    return name


def pull(client: EngineClient, reference: str, auth: str | None = None
         ) -> Observable[PullProgress]:
    """Pull ``reference`` into the engine; one :class:`PullProgress` per progress line.

    ``auth`` is an ``X-Registry-Auth`` value (see ``api.auth``), sent only when given. The
    Observable completes when the engine ends the stream (its last value ``finished``), errors
    with :class:`PullError` (the registry's message) for a failure midway and with the
    client's typed error (``NotFound``, ``EngineError``, ``EngineUnreachable``) for a refusal
    before any stream. Each subscription is a pull of its own; disposing it closes its
    connection, which cancels that pull in the engine. A malformed reference raises
    ValueError at once.
    """
    image, tag = parse_reference(reference)
    query = {"fromImage": image, "tag": tag}
    headers = {"X-Registry-Auth": auth} if auth else {}

    def open_stream(on_open: Callable[[Callable[[], None]], None]) -> HTTPStream:
        # No read timeout: a registry may be slow for a long while between lines.
        return client.open_stream("/images/create", query, on_open, method="POST",
                                  headers=headers)

    def subscription() -> Observable[PullProgress]:
        splitter = LineSplitter()
        state = [PullProgress(reference)]

        def decode(lines: list[bytes]) -> list[PullProgress]:
            # An error line is raised once the values before it have been handed on.
            if state[0].error is not None:
                raise PullError(state[0].error)
            out: list[PullProgress] = []
            for line in lines:
                try:
                    record = decode_pull_line(line)
                except PullDecodeError as exc:
                    log.warning("skipped a pull stream line (%d bytes): %s", len(line), exc)
                    continue
                state[0] = fold(state[0], record)
                if state[0].error is not None:
                    if not out:
                        raise PullError(state[0].error)
                    break
                out.append(state[0])
            return out

        def flush() -> list[PullProgress]:
            out = decode(splitter.close())
            if state[0].error is not None:
                raise PullError(state[0].error)
            last = finish(state[0])
            if last is not state[0]:
                state[0] = last
                out.append(last)
            return out

        return observe_stream(
            open_stream,
            lambda data: decode(splitter.feed(data)),
            flush,
            name="genet-pull",
        )

    return reactivex.defer(lambda _scheduler: subscription())


__all__ = ["PullError", "parse_reference", "pull"]
