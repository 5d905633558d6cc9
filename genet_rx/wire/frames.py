"""A logs (or exec) body as lines: the frame demultiplexer, sans-IO.

Theory of operation
-------------------
``GET /containers/{id}/logs`` answers one of two body shapes:

* multiplexed (container without a TTY): frames of an 8-byte header
  ``[type, 0, 0, 0, size uint32 big-endian]`` then ``size`` payload bytes. Type 1 is stdout,
  2 stderr, 0 stdin (shown as stdout), 3 an error written by the daemon itself.
* raw (container with a TTY): every byte is the terminal's output, shown as stdout.

:class:`LogDemuxer` is sans-IO: :meth:`LogDemuxer.feed` takes bytes in any chunking and
returns the lines they complete; :meth:`LogDemuxer.close` flushes what is left at the end of
the stream. Frames do not align with lines (one frame may hold many lines, one line may span
many frames, and a frame may be cut anywhere, header included), so the demuxer keeps two
small state machines:

1. frame state: the header bytes seen so far, or the payload bytes still owed by the
   current frame, and to which stream they belong. Payload bytes go to their stream's line
   buffer as they arrive; a frame is never waited for as a whole.
2. one line buffer per stream: bytes up to the next ``\\n``. Decoding to text happens per
   complete line (or per cut piece, below), never per frame or chunk, so a multibyte UTF-8
   character split across frames is decoded whole. Invalid UTF-8 becomes U+FFFD.

Timestamps (``timestamps=1``): the engine prefixes every log *entry* with an RFC3339Nano stamp
and a space, and an entry is a line or, for a long line, each 16 KiB piece of it. Multiplexed,
one entry is one frame, so the stamp is taken off the start of every frame's payload and the
pieces of a long line join back into one line carrying its first stamp. A frame that does not
start with a stamp (a daemon error) keeps its text. Raw (TTY) bodies have no frames: the stamp
is taken off the start of each line, so there a line longer than 16 KiB keeps the stamps of
its later pieces inside its text.

Bounded memory: a line longer than ``max_line_bytes`` (64 KiB by default) is cut into pieces
of at most that many bytes, each emitted as its own :class:`LogLine` (cuts fall on UTF-8
character boundaries). A 1 MB line without a newline therefore never builds an unbounded
buffer, and no view is ever handed one enormous label to lay out. The pieces, concatenated,
are the line.

A header with an unknown type byte or nonzero padding cannot be a frame: it means the body
was raw after all (a TTY container whose mode was guessed wrong: the mode comes from a
header, or from an inspect taken apart from the stream, and either can be stale or absent).
Raising would lose the user's output, and trying to resynchronise on "something that looks
like a header" would misparse text, so from that point on the rest of the stream, the
suspicious header bytes included, is read as raw stdout.
This is clean: no exception, nothing dropped.
"""

from __future__ import annotations

import struct
from typing import Final

from genet_rx.model.common import RFC3339, stamp_ns
from genet_rx.model.logs import DEFAULT_MAX_LINE_BYTES, ERROR, STDERR, STDOUT, LogLine
from genet_rx.wire.log_stamps import engine_stamps

_STREAMS: Final[dict[int, str]] = {0: STDOUT, 1: STDOUT, 2: STDERR, 3: ERROR}
_HEADER_SIZE: Final = 8
_WORDS: Final = struct.Struct(">II")  # the same header as two words: type << 24 | padding, size
# A timestamp and its space fit in this many bytes ("2006-01-02T15:04:05.999999999+07:00 ").
_STAMP_ROOM: Final = 40

class LogDemuxer:
    """Sans-IO reader of a logs body: bytes in (any chunking), :class:`LogLine` values out.

    ``multiplexed`` picks the body shape (see
    :func:`~genet_rx.wire.body_shape.is_multiplexed`); ``timestamps`` says the request asked
    for ``timestamps=1``, so each entry starts with a timestamp and a space (taken off into
    :attr:`LogLine.time_ns`); ``max_line_bytes`` caps how many bytes of a line are held before
    it is cut into pieces. ``feed`` after ``close`` raises RuntimeError.
    """

    def __init__(
        self,
        *,
        multiplexed: bool = True,
        timestamps: bool = False,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    ) -> None:
        if max_line_bytes < 4:
            raise ValueError("max_line_bytes must be at least 4 (one UTF-8 character)")
        self._raw = not multiplexed
        self._timestamps = timestamps
        self._cap = max_line_bytes
        self._header = bytearray()
        self._owed = 0  # payload bytes the current frame still owes
        self._stream = STDOUT  # stream of the current frame
        self._bufs: dict[str, bytearray] = {}
        self._scanned: dict[str, int] = {}  # bytes at the buffer's start known to hold no \n
        # Streams whose current line has begun, with its timestamp (None when none asked for).
        self._times: dict[str, int | None] = {}
        self._cut: set[str] = set()  # streams whose current line has been cut into pieces
        self._stamp: bytearray | None = None  # the current frame's stamp, while it arrives
        self._frame_time: int | None = None  # the current frame's stamp, once parsed
        self._closed = False

    @property
    def raw(self) -> bool:
        """True when the body is read as raw bytes (asked for, or fallen back to)."""
        return self._raw

    def feed(self, data: bytes) -> list[LogLine]:
        """Lines that ``data`` completes, in the order their ends arrived."""
        if self._closed:
            raise RuntimeError("LogDemuxer.feed after close")
        out: list[LogLine] = []
        if self._raw:
            self._take(STDOUT, data, out)
            return out
        view = memoryview(data)
        pos, end = 0, len(data)
        while pos < end:
            if not self._owed and not self._header:
                pos = self._whole_frames(data, pos, end, out)
                if pos == end:
                    break
            if self._owed:
                n = min(self._owed, end - pos)
                chunk = view[pos : pos + n]
                self._owed -= n
                pos += n
                if self._stamp is not None:
                    chunk = self._take_frame_stamp(chunk, out)
                self._take(self._stream, chunk, out)
                continue
            need = _HEADER_SIZE - len(self._header)
            self._header += view[pos : pos + need]
            pos += min(need, end - pos)
            if len(self._header) < _HEADER_SIZE:
                break
            header = bytes(self._header)
            self._header.clear()
            stream = _STREAMS.get(header[0])
            if stream is None or header[1:4] != b"\0\0\0":
                # Not a frame: the body is raw after all (see the module comment).
                self._raw = True
                self._take(STDOUT, header, out)
                self._take(STDOUT, view[pos:], out)
                break
            self._stream = stream
            self._owed = int.from_bytes(header[4:8], "big")
            self._frame_time = None
            self._stamp = bytearray() if self._timestamps else None
        return out

    def _whole_frames(self, data: bytes, pos: int, end: int, out: list[LogLine]) -> int:
        """The fast path for the usual frames: whole in ``data``, each ending a line, on a
        stream with no partial line pending. Emits their lines and returns where the first
        frame it did not take starts (``pos`` when it took none); the state machine takes
        every other frame. The engine sends one such frame per line: most of a log's bytes.
        With ``timestamps=1`` each frame must start with a valid stamp (as
        :meth:`_take_frame_stamp` reads it), which its lines carry.

        The walk only reads headers; the run's stamps are then checked and read together, its
        payloads joined, decoded and split once, and its lines made in one ``map``.
        """
        bufs, times, cut = self._bufs, self._times, self._cut
        # The header's first word (type, then three zero bytes) → stream, for the streams
        # with no partial line pending: one look-up checks type, padding and stream.
        clean = {kind << 24: stream for kind, stream in _STREAMS.items()
                 if not bufs.get(stream) and stream not in times and stream not in cut}
        if self._timestamps:
            return self._whole_stamped_frames(data, pos, end, clean, out)
        cap, unpack, stream_of = self._cap, _WORDS.unpack_from, clean.get
        streams: list[str] = []
        payloads: list[bytes] = []
        add_stream, add_payload = streams.append, payloads.append
        while pos + 8 <= end:  # 8: _HEADER_SIZE (this loop is the hot one: no globals)
            word, size = unpack(data, pos)
            stream = stream_of(word)
            stop = pos + 8 + size
            if stream is None or not 0 < size <= cap or stop > end or data[stop - 1] != 10:
                break
            add_stream(stream)
            add_payload(data[pos + 8 : stop])
            pos = stop
        if streams:
            _emit_run(streams, payloads, None, out)
        return pos

    def _whole_stamped_frames(self, data: bytes, pos: int, end: int, clean: dict[int, str],
                              out: list[LogLine]) -> int:
        """:meth:`_whole_frames` with ``timestamps=1``: the same walk, each payload sliced into
        the engine's stamp (31 bytes, when it has one: checked for the whole run after the
        walk) and the text after it."""
        cap, unpack, stream_of = self._cap, _WORDS.unpack_from, clean.get
        start = pos
        streams: list[str] = []
        heads: list[bytes] = []
        texts: list[bytes] = []
        add_stream, add_head, add_text = streams.append, heads.append, texts.append
        while pos + 8 <= end:
            word, size = unpack(data, pos)
            stream = stream_of(word)
            stop = pos + 8 + size
            if stream is None or not 31 < size <= cap or stop > end or data[stop - 1] != 10:
                break  # 31: len(_ENGINE_SHAPE), then at least the text's \n
            add_stream(stream)
            add_head(data[pos + 8 : pos + 39])
            add_text(data[pos + 39 : stop])
            pos = stop
        if not streams:
            return pos
        stamps = engine_stamps(heads)
        if stamps is None:  # a stamp of another shape, or none: frame by frame
            return self._stamped_frames(data, start, end, clean, out)
        _emit_run(streams, texts, stamps, out)
        return pos

    def _stamped_frames(self, data: bytes, pos: int, end: int, clean: dict[int, str],
                        out: list[LogLine]) -> int:
        """:meth:`_whole_frames` one frame at a time, each stamp read by :data:`RFC3339`: up to
        the first frame with no valid stamp (a daemon error), which the state machine takes."""
        cap, unpack = self._cap, _WORDS.unpack_from
        while pos + _HEADER_SIZE <= end:
            word, size = unpack(data, pos)
            stream = clean.get(word)
            body = pos + _HEADER_SIZE
            stop: int = body + size
            if stream is None or not size or size > cap or stop > end or data[stop - 1] != 0x0A:
                break
            space = data.find(b" ", body, min(body + _STAMP_ROOM, stop))
            m = RFC3339.fullmatch(data, body, space) if space >= 0 else None
            time_ns = stamp_ns(m) if m else None
            if time_ns is None:
                break  # no stamp (a daemon error): the state machine keeps the text
            _emit_run([stream], [data[space + 1 : stop]], [time_ns], out)
            pos = stop
        return pos

    def _take_frame_stamp(self, chunk: memoryview, out: list[LogLine]) -> memoryview:
        """Collect the current frame's leading timestamp; return the payload bytes after it.

        The engine writes one log entry per frame, stamp first, and stamps every entry, also
        each 16 KiB piece of a long line. Taking the stamp per frame (not per line) is what
        lets those pieces join back into one line instead of a line with stamps inside.
        """
        assert self._stamp is not None
        room = _STAMP_ROOM - len(self._stamp)
        space = bytes(chunk[:room]).find(b" ")
        if space < 0 and len(chunk) < room and self._owed:
            self._stamp += chunk  # the stamp may still be arriving
            return chunk[len(chunk) :]
        taken = space if space >= 0 else min(room, len(chunk))
        head = bytes(self._stamp) + bytes(chunk[:taken])
        self._stamp = None
        m = RFC3339.fullmatch(head) if space >= 0 else None
        self._frame_time = stamp_ns(m) if m else None
        if self._frame_time is not None:
            return chunk[space + 1 :]
        # No stamp after all (e.g. a daemon error): the bytes are the entry's text.
        self._take(self._stream, head, out)
        return chunk[taken:]

    def close(self) -> list[LogLine]:
        """The unterminated last line of each stream. A truncated frame header is dropped."""
        out: list[LogLine] = []
        if not self._closed:
            self._closed = True
            if self._stamp:  # the stream ended inside a frame's stamp
                self._owed = 0
                self._take(self._stream, self._take_frame_stamp(memoryview(b""), out), out)
            # A fixed order (not the order buffers were made in, which the fast path skips).
            for stream in (STDOUT, STDERR, ERROR):
                buf = self._bufs.get(stream, bytearray())
                if buf or stream in self._times:
                    start = self._start_line(stream, buf, 0, final=True)
                    self._emit(stream, bytes(buf[start:]), out, whole=True)
                buf.clear()
            self._header.clear()
        return out

    def _take(self, stream: str, data: bytes | memoryview, out: list[LogLine]) -> None:
        """Append payload bytes to ``stream``'s buffer and emit the lines they complete."""
        buf = self._bufs.get(stream)
        if buf is None:
            buf = self._bufs[stream] = bytearray()
            self._scanned[stream] = 0
        buf += data
        cap = self._cap
        start = 0
        search = self._scanned[stream]
        while True:
            if stream not in self._times:
                if start == len(buf):
                    break  # no line has begun yet
                begun = self._start_line(stream, buf, start, final=False)
                if begun < 0:
                    break  # a timestamp may still be arriving
                start = begun
            # Look for a newline only within one capped line's reach of ``start``.
            nl = buf.find(b"\n", max(start, search), start + cap + 1)
            if nl >= 0:
                self._emit(stream, bytes(buf[start:nl]), out, whole=True)
                start = nl + 1
                continue
            if len(buf) - start > cap:
                cut = _char_boundary(buf, start + cap, start)
                self._emit(stream, bytes(buf[start:cut]), out, whole=False)
                start = cut
                continue
            break
        del buf[:start]
        self._scanned[stream] = len(buf)

    def _start_line(self, stream: str, buf: bytearray, start: int, *, final: bool) -> int:
        """Begin the line at ``start``: take its timestamp, if asked for, into ``_times``.

        Returns where the line's text starts, or -1 when more bytes are needed to tell.
        """
        if stream in self._times:
            return start
        if not self._timestamps:
            self._times[stream] = None
            return start
        if not self._raw:  # multiplexed: each frame's stamp was taken as it arrived
            self._times[stream] = self._frame_time
            return start
        head = bytes(buf[start : start + _STAMP_ROOM])
        space, newline = head.find(b" "), head.find(b"\n")
        if space >= 0 and (newline < 0 or space < newline):
            m = RFC3339.fullmatch(head[:space])
            time_ns = stamp_ns(m) if m else None
            self._times[stream] = time_ns
            return start + space + 1 if time_ns is not None else start
        if newline >= 0 or len(head) == _STAMP_ROOM or final:
            self._times[stream] = None
            return start
        return -1

    def _emit(self, stream: str, line: bytes, out: list[LogLine], *, whole: bool) -> None:
        """Decode one line (``whole``) or one cut piece of a long line, and append it."""
        time_ns = self._times.get(stream)
        if whole:
            del self._times[stream]
            if stream in self._cut:
                self._cut.discard(stream)
                if not line:
                    return  # the long line ended exactly at a cut: nothing is left to show
            if line.endswith(b"\r"):  # a TTY ends lines with \r\n
                line = line[:-1]
        else:
            self._cut.add(stream)
        out.append(LogLine(stream, line.decode("utf-8", "replace"), time_ns, continued=not whole))


def _emit_run(streams: list[str], payloads: list[bytes], stamps: list[int] | None,
              out: list[LogLine]) -> None:
    """The lines of a run of whole frames (each payload ending in ``\\n``), in order.

    Decoding the joined payloads once and splitting the text on ``\\n`` gives what decoding
    each line gives: ``\\n`` is never part of a UTF-8 sequence, and an invalid one before it
    becomes one U+FFFD either way.
    """
    block = b"".join(payloads).decode("utf-8", "replace")
    texts = block.split("\n")
    texts.pop()  # after the last \n
    if len(texts) != len(streams):  # a frame of several lines: each frame on its own
        for k, (stream, payload) in enumerate(zip(streams, payloads, strict=True)):
            time_ns = stamps[k] if stamps is not None else None
            for line in payload[:-1].decode("utf-8", "replace").split("\n"):
                out.append(LogLine(stream, _no_cr(line), time_ns))
        return
    if "\r" in block:
        texts = list(map(_no_cr, texts))
    if stamps is None:
        out.extend(map(LogLine, streams, texts))
    else:
        out.extend(map(LogLine, streams, texts, stamps))


def _no_cr(line: str) -> str:
    """A TTY ends lines with ``\\r\\n``: the line without its ``\\r``."""
    return line[:-1] if line.endswith("\r") else line


def _char_boundary(buf: bytearray, cut: int, floor: int) -> int:
    """Move ``cut`` back (at most 3 bytes) so it does not split a UTF-8 character."""
    pos = cut
    while pos > floor and pos > cut - 3 and (buf[pos] & 0xC0) == 0x80:
        pos -= 1
    if (buf[pos] & 0xC0) == 0x80 or pos == floor:
        return cut  # not valid UTF-8 here anyway: cut where asked
    return pos
