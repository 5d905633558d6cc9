"""A blocking reader as an Observable.

``subscribe`` starts one reader thread and returns at once. The Disposable it returns sets a
flag and closes the stream's socket, so a ``recv`` blocked in the reader wakes with end of
stream; the thread then ends without emitting anything further. The thread only reads, splits
and hands off: the daemon drops events for readers that let it block.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

import reactivex
from reactivex import Observable, abc
from reactivex.disposable import Disposable

T = TypeVar("T")


class ByteStream(Protocol):
    def read(self) -> bytes: ...

    def close(self) -> None: ...


class _Holder:
    """Lets dispose() reach a socket the reader thread opens later."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.disposed = False
        self.closers: list[Callable[[], None]] = []

    def on_open(self, close: Callable[[], None]) -> None:
        with self.lock:
            if not self.disposed:
                self.closers.append(close)
                return
        close()

    def dispose(self) -> None:
        with self.lock:
            self.disposed = True
            closers, self.closers = self.closers, []
        for close in closers:
            close()


def observe_stream(
    open_stream: Callable[[Callable[[Callable[[], None]], None]], ByteStream],
    decode: Callable[[bytes], Iterable[T]],
    flush: Callable[[], Iterable[T]] = lambda: (),
    name: str = "genet-stream",
) -> Observable[T]:
    """An Observable of the values ``decode`` makes of a byte stream.

    ``open_stream(on_open)`` connects and returns the stream; it must pass a close function to
    ``on_open`` as soon as a socket exists, so disposal can reach it. The Observable completes
    at end of stream (after ``flush``), errors with what ``open_stream``/``read``/``decode``
    raise, and says nothing at all once disposed.
    """

    def subscribe(observer: abc.ObserverBase[T], scheduler: Any = None) -> abc.DisposableBase:
        holder = _Holder()

        def run() -> None:
            try:
                stream = open_stream(holder.on_open)
                while not holder.disposed:
                    data = stream.read()
                    if not data:
                        break
                    for value in decode(data):
                        if holder.disposed:
                            return
                        observer.on_next(value)
                if holder.disposed:
                    return
                for value in flush():
                    observer.on_next(value)
                observer.on_completed()
            except Exception as exc:  # the stream's error is the Observable's error
                if not holder.disposed:
                    observer.on_error(exc)
            finally:
                holder.dispose()

        threading.Thread(target=run, name=name, daemon=True).start()
        return Disposable(holder.dispose)

    return reactivex.create(subscribe)
