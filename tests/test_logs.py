"""Logs: the frame demultiplexer in any chunking, capped lines, the ring, search, the mode."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from dockerd import IMAGE
from engine_helpers import wait_for
from hypothesis import given
from hypothesis import strategies as st

from genet_rx.api.client import EngineClient
from genet_rx.api.logs import logs
from genet_rx.errors import NotFound
from genet_rx.model.common import parse_time_ns as parse_timestamp_ns
from genet_rx.model.logs import (
    LogLine,
    LogRing,
    SearchPatternError,
    search_lines,
)
from genet_rx.wire.body_shape import is_multiplexed
from genet_rx.wire.frames import LogDemuxer

NAMES = {0: "stdout", 1: "stdout", 2: "stderr", 3: "error"}


def frame(kind: int, payload: bytes) -> bytes:
    return bytes([kind, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload


def run(body: bytes, cuts: list[int] | None = None, **options: object) -> list[LogLine]:
    """Feed ``body`` cut at ``cuts`` (offsets), then close; all lines out."""
    demux = LogDemuxer(**options)  # type: ignore[arg-type]
    out: list[LogLine] = []
    last = 0
    for cut in sorted(set(cuts or [])):
        out += demux.feed(body[last:cut])
        last = cut
    out += demux.feed(body[last:])
    return out + demux.close()


def texts(lines: list[LogLine]) -> list[tuple[str, str]]:
    return [(line.stream, line.text) for line in lines]


def test_frames_to_lines() -> None:
    body = frame(1, b"one\ntwo\n") + frame(2, b"oops\n") + frame(0, b"in\n")
    assert texts(run(body)) == [
        ("stdout", "one"),
        ("stdout", "two"),
        ("stderr", "oops"),
        ("stdout", "in"),
    ]


def test_lines_span_frames_and_streams_interleave() -> None:
    body = frame(1, b"hel") + frame(2, b"err") + frame(1, b"lo\nwor") + frame(2, b"or\n")
    body += frame(1, b"ld")  # no newline at the end: flushed by close
    demux = LogDemuxer()
    assert texts(demux.feed(body)) == [("stdout", "hello"), ("stderr", "error")]
    assert texts(demux.close()) == [("stdout", "world")]
    assert demux.close() == []


def test_split_mid_header_and_mid_utf8() -> None:
    payload = "é€😀\n".encode()
    body = frame(1, payload[:1]) + frame(1, payload[1:4]) + frame(1, payload[4:])
    for cut in range(1, len(body)):
        assert texts(run(body, [cut])) == [("stdout", "é€😀")], cut
    assert texts(run(body, list(range(len(body))))) == [("stdout", "é€😀")]


def test_daemon_error_frame() -> None:
    body = frame(1, b"ok\n") + frame(3, b"Error grabbing logs: log file is corrupt\n")
    assert texts(run(body)) == [
        ("stdout", "ok"),
        ("error", "Error grabbing logs: log file is corrupt"),
    ]


def test_invalid_utf8_becomes_replacement() -> None:
    body = frame(2, b"bad \xff\xfe here\n") + frame(1, b"cut \xe2\x82\n")
    assert texts(run(body)) == [("stderr", "bad \ufffd\ufffd here"), ("stdout", "cut \ufffd")]


def test_empty_frames_and_empty_lines() -> None:
    body = frame(1, b"") + frame(1, b"\n\n") + frame(2, b"") + frame(1, b"x\n")
    assert texts(run(body)) == [("stdout", ""), ("stdout", ""), ("stdout", "x")]


def test_raw_mode_is_all_stdout_and_strips_tty_cr() -> None:
    body = frame(2, b"not a frame\n") + b"prompt$ ls\r\nfile\r\n\xe2\x82\xac"
    lines = run(body, [3, 20], multiplexed=False)
    assert {line.stream for line in lines} == {"stdout"}
    assert [line.text for line in lines][-3:] == ["prompt$ ls", "file", "€"]


@pytest.mark.parametrize("header", [b"\x05\0\0\0\0\0\0\x02", b"\x01\0\x07\0\0\0\0\x02"])
def test_bad_header_falls_back_to_raw(header: bytes) -> None:
    body = frame(2, b"framed\n") + header + b"hi\nthere"
    for cut in range(len(body)):
        demux = LogDemuxer()
        lines = demux.feed(body[:cut]) + demux.feed(body[cut:]) + demux.close()
        assert demux.raw
        assert lines[0] == LogLine("stderr", "framed")
        rest = "".join(line.text + "\n" for line in lines[1:])
        assert rest == (header + b"hi\n").decode("utf-8", "replace") + "there\n"
        assert {line.stream for line in lines[1:]} == {"stdout"}


def test_truncated_header_at_close_is_dropped() -> None:
    demux = LogDemuxer()
    lines = demux.feed(frame(1, b"a\nb") + b"\x01\0\0")
    assert texts(lines + demux.close()) == [("stdout", "a"), ("stdout", "b")]
    with pytest.raises(RuntimeError):
        demux.feed(b"more")


def test_truncated_payload_shows_what_arrived() -> None:
    body = frame(1, b"complete\npartial line")[:-5]
    assert texts(run(body)) == [("stdout", "complete"), ("stdout", "partial")]


# -- random chunkings ---------------------------------------------------------------------

PAYLOAD = st.binary(max_size=40) | st.lists(
    st.sampled_from([b"a", b"bc", b"\n", "é".encode(), "😀".encode(), b"\xff", b"\r\n"]),
    max_size=20,
).map(b"".join)
FRAMES = st.lists(st.tuples(st.sampled_from([0, 1, 2, 3]), PAYLOAD), max_size=12)


def reference(frames: list[tuple[int, bytes]]) -> dict[str, list[str]]:
    """Per stream: all its payload bytes, split on newlines, each line decoded whole."""
    streams: dict[str, bytes] = {}
    for kind, payload in frames:
        streams[NAMES[kind]] = streams.get(NAMES[kind], b"") + payload
    out: dict[str, list[str]] = {}
    for name, data in streams.items():
        parts = data.split(b"\n")
        if parts[-1] == b"":
            parts.pop()
        out[name] = [p.removesuffix(b"\r").decode("utf-8", "replace") for p in parts]
    return {name: lines for name, lines in out.items() if lines}


def by_stream(lines: list[LogLine]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in lines:
        out.setdefault(line.stream, []).append(line.text)
    return out


@given(FRAMES, st.lists(st.integers(min_value=0, max_value=2000), max_size=30))
def test_any_chunking_gives_the_same_lines(
    frames: list[tuple[int, bytes]], cuts: list[int]
) -> None:
    body = b"".join(frame(kind, payload) for kind, payload in frames)
    whole = run(body)
    assert run(body, [c % (len(body) + 1) for c in cuts]) == whole
    assert by_stream(whole) == reference(frames)


def test_long_runs_of_one_line_frames_with_newline_bytes_in_their_headers() -> None:
    # Sizes 10, 266, 522 ... put a \n byte in the header; an empty line is a header and \n.
    frames = [(1 + k % 2, b"x" * (k % 300) + (b"\r\n" if k % 7 == 0 else b"\n"))
              for k in range(2_000)]
    frames[500] = (1, b"\xc3\n")  # invalid UTF-8 at a line's end
    body = b"".join(frame(kind, payload) for kind, payload in frames)
    expected = [(NAMES[kind], payload.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", "replace"))
                for kind, payload in frames]
    assert texts(run(body)) == expected
    assert texts(run(body, list(range(0, len(body), 4096)))) == expected


@given(FRAMES, st.lists(st.integers(min_value=0, max_value=2000), max_size=30))
def test_any_chunking_with_a_small_cap(frames: list[tuple[int, bytes]], cuts: list[int]) -> None:
    body = b"".join(frame(kind, payload) for kind, payload in frames)
    whole = run(body, max_line_bytes=5)
    assert run(body, [c % (len(body) + 1) for c in cuts], max_line_bytes=5) == whole
    assert all(len(line.text.encode()) <= 5 for line in whole if "\ufffd" not in line.text)


@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=20))
def test_raw_mode_any_chunking(body: bytes, cuts: list[int]) -> None:
    whole = run(body, multiplexed=False)
    assert run(body, cuts, multiplexed=False) == whole
    assert by_stream(whole) == reference([(1, body)])


# -- long lines -----------------------------------------------------------------------------


def test_megabyte_line_comes_out_in_capped_pieces() -> None:
    line = ("0123456789abcdé€😀" * 70_000).encode()  # > 1 MB, multibyte characters throughout
    assert len(line) > 1_000_000
    body = b"".join(frame(1, line[i : i + 4096]) for i in range(0, len(line), 4096))
    body += frame(1, b"\nnext\n")
    demux = LogDemuxer()  # default cap: 64 KiB
    pieces: list[LogLine] = []
    for i in range(0, len(body), 10_000):
        pieces += demux.feed(body[i : i + 10_000])
        # Memory stays bounded while the line is still open.
        assert all(len(buf) <= 64 * 1024 for buf in demux._bufs.values())
    pieces += demux.close()
    assert pieces[-1] == LogLine("stdout", "next")
    long = pieces[:-1]
    cap = 64 * 1024
    assert -(-len(line) // cap) <= len(long) <= -(-len(line) // (cap - 3))
    assert all(len(p.text.encode()) <= cap for p in long)
    assert "".join(p.text for p in long) == line.decode()
    assert "\ufffd" not in "".join(p.text for p in long)  # cuts fell on character boundaries


def test_cap_is_configurable_and_exact_fit_is_one_line() -> None:
    assert texts(run(frame(1, b"abcd\nabcde\n"), max_line_bytes=4)) == [
        ("stdout", "abcd"),
        ("stdout", "abcd"),
        ("stdout", "e"),
    ]
    # A line ending right at a cut leaves no empty tail piece.
    assert texts(run(frame(1, b"abcdefgh\nx\n"), max_line_bytes=4)) == [
        ("stdout", "abcd"),
        ("stdout", "efgh"),
        ("stdout", "x"),
    ]
    with pytest.raises(ValueError):
        LogDemuxer(max_line_bytes=3)


# -- timestamps -----------------------------------------------------------------------------


def ns(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


def test_timestamps_are_parsed_and_removed() -> None:
    t1 = "2026-11-28T23:21:00.815170825Z"
    t2 = "2026-11-28T23:21:01.000000000Z"
    body = frame(1, f"{t1} hello world\n".encode()) + frame(2, f"{t2} {t2} twice\n".encode())
    body += frame(1, b"no stamp here\n")
    lines = run(body, [5, 40], timestamps=True)
    base = ns(datetime(2026, 11, 28, 23, 21, 0, tzinfo=UTC))
    assert lines == [
        LogLine("stdout", "hello world", base + 815_170_825),
        LogLine("stderr", f"{t2} twice", base + 1_000_000_000),
        LogLine("stdout", "no stamp here", None),
    ]
    # Without timestamps=True the text is left alone.
    assert run(body)[0] == LogLine("stdout", f"{t1} hello world", None)


def test_a_run_of_engine_stamps_reads_each_line_its_own_time() -> None:
    # Whole frames in one chunk, as a log flood comes: stamps of the engine's shape sharing a
    # second and crossing into the next, a month 13 and an offset the run cannot read at once.
    stamps = ["2026-11-28T23:21:00.000000001Z", "2026-11-28T23:21:00.999999999Z",
              "2026-11-28T23:21:01.000000000Z", "2026-13-28T23:21:01.000000000Z",
              "2026-11-28T23:21:01.5+01:00"]
    body = b"".join(frame(1 + k % 2, f"{t} line {k}\r\n".encode()) for k, t in enumerate(stamps))
    lines = LogDemuxer(timestamps=True).feed(body)
    base = ns(datetime(2026, 11, 28, 23, 21, 0, tzinfo=UTC))
    assert lines[0] == LogLine("stdout", "line 0", base + 1)
    assert lines[1] == LogLine("stderr", "line 1", base + 999_999_999)
    assert lines[2] == LogLine("stdout", "line 2", base + 1_000_000_000)
    assert lines[3] == LogLine("stderr", f"{stamps[3]} line 3", None)
    assert lines[4] == LogLine("stdout", "line 4", base - 3_600_000_000_000 + 1_500_000_000)
    assert run(body, list(range(len(body))), timestamps=True) == lines  # byte by byte


def test_a_run_of_engine_stamps_in_one_second_reads_each_fraction() -> None:
    # A flood's run: every stamp of the engine's shape, all in one second (read once).
    stamps = ["2026-11-28T23:21:00.000000000Z", "2026-11-28T23:21:00.012345678Z",
              "2026-11-28T23:21:00.999999999Z"]
    body = b"".join(frame(1, f"{t} line {k}\n".encode()) for k, t in enumerate(stamps))
    lines = LogDemuxer(timestamps=True).feed(body)
    base = ns(datetime(2026, 11, 28, 23, 21, 0, tzinfo=UTC))
    assert lines[0] == LogLine("stdout", "line 0", base)
    assert lines[1] == LogLine("stdout", "line 1", base + 12_345_678)
    assert lines[2] == LogLine("stdout", "line 2", base + 999_999_999)


def test_a_run_of_engine_stamps_across_seconds_reads_each_second() -> None:
    # Every stamp of the engine's shape, the first second coming back after another.
    stamps = ["2026-11-28T23:21:00.5Z", "2026-11-28T23:21:01.5Z", "2026-11-28T23:21:00.5Z"]
    stamps = [t.replace(".5Z", ".500000000Z") for t in stamps]
    body = b"".join(frame(1, f"{t} line {k}\n".encode()) for k, t in enumerate(stamps))
    lines = LogDemuxer(timestamps=True).feed(body)
    base = ns(datetime(2026, 11, 28, 23, 21, 0, tzinfo=UTC)) + 500_000_000
    assert [line.time_ns for line in lines] == [base, base + 1_000_000_000, base]


def test_a_run_of_engine_shaped_stamps_that_are_not_times_keeps_its_text() -> None:
    # The engine's shape, one second, month 13: no time, so each frame keeps its stamp.
    body = b"".join(frame(1, f"2026-13-28T23:21:00.00000000{k}Z line\n".encode())
                    for k in range(3))
    lines = LogDemuxer(timestamps=True).feed(body)
    assert [line.time_ns for line in lines] == [None, None, None]
    assert lines[0].text == "2026-13-28T23:21:00.000000000Z line"


def test_stamped_pieces_of_a_long_line_join_and_share_its_time() -> None:
    # The engine stamps every entry, also each 16 KiB piece of a long line: one frame each.
    first, later = "2026-11-28T23:21:00.5Z", "2026-11-28T23:21:09Z"
    body = frame(1, f"{first} {'x' * 20}".encode()) + frame(1, f"{later} {'y' * 30}".encode())
    body += frame(1, f"{later} z\n".encode()) + frame(1, f"{later} next\n".encode())
    for cut in range(len(body)):
        lines = run(body, [cut], timestamps=True, max_line_bytes=16)
        assert "".join(line.text for line in lines[:-1]) == "x" * 20 + "y" * 30 + "z"
        assert all(len(line.text) <= 16 for line in lines)
        when = ns(datetime(2026, 11, 28, 23, 21, 0, 500_000, tzinfo=UTC))
        assert {line.time_ns for line in lines[:-1]} == {when}
        assert lines[-1] == LogLine("stdout", "next", when + 8_500_000_000)


def test_a_frame_without_a_stamp_keeps_its_text() -> None:
    body = frame(3, b"Error grabbing logs: boom\n") + frame(1, b"short") + frame(1, b"\n")
    body += frame(1, b"2026-11-28T23:21:00Z ok\n") + frame(2, b"2026-11-28T23:21:00Z")
    lines = run(body, timestamps=True)
    assert texts(lines) == [
        ("error", "Error grabbing logs: boom"),
        ("stdout", "short"),
        ("stdout", "ok"),
        ("stderr", "2026-11-28T23:21:00Z"),  # cut off before its space: not taken as a stamp
    ]
    assert [line.time_ns is not None for line in lines] == [False, False, True, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T23:21:00Z", datetime(2026, 11, 28, 23, 21, tzinfo=UTC)),
        (
            "2026-11-28T23:21:00.25+02:00",
            datetime(2026, 11, 28, 23, 21, 0, 250_000, tzinfo=timezone(timedelta(hours=2))),
        ),
        (
            "1970-01-01T00:00:00.000001-01:30",
            datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=timezone(-timedelta(hours=1, minutes=30))),
        ),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    assert parse_timestamp_ns(text) == ns(expected)


def test_parse_timestamp_keeps_nanoseconds_and_rejects_junk() -> None:
    assert parse_timestamp_ns("1970-01-01T00:00:01.000000007Z") == 1_000_000_007
    assert parse_timestamp_ns(b"1970-01-01T00:00:01.5Z") == 1_500_000_000
    for junk in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-28 23:21:00Z", "é"]:
        assert parse_timestamp_ns(junk) is None


# -- choosing the mode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "content_type", "tty", "expected"),
    [
        ("1.41", "application/vnd.docker.raw-stream", False, True),  # old: Tty decides
        ("1.41", "application/vnd.docker.multiplexed-stream", True, False),
        ("1.41", None, True, False),
        ("1.42", "application/vnd.docker.multiplexed-stream", True, True),
        ("1.43", "application/vnd.docker.raw-stream", False, False),
        ("1.52", "Application/Vnd.Docker.Raw-Stream; charset=binary", False, False),
        ("1.44", None, False, True),  # header missing: Tty decides
        ("1.44", "text/plain", True, False),
        ("v1.45", "application/vnd.docker.raw-stream", False, False),
        ("junk", "application/vnd.docker.raw-stream", False, True),
    ],
)
def test_is_multiplexed(version: str, content_type: str | None, tty: bool, expected: bool) -> None:
    assert is_multiplexed(version, content_type, tty) is expected


# -- ring -------------------------------------------------------------------------------------


@given(
    st.integers(min_value=1, max_value=50),
    st.lists(st.integers(min_value=0, max_value=30), max_size=10),
)
def test_ring_keeps_the_last_lines_and_counts_the_dropped(
    capacity: int, batches: list[int]
) -> None:
    ring = LogRing(capacity)
    everything: list[LogLine] = []
    for size in batches:
        batch = [LogLine("stdout", str(len(everything) + i)) for i in range(size)]
        everything += batch
        if size == 1:
            ring.append(batch[0])
        else:
            ring.extend(iter(batch))
        assert len(ring) <= capacity
    assert ring.snapshot() == tuple(everything[-capacity:])
    assert len(ring) == min(len(everything), capacity)
    assert ring.dropped == max(0, len(everything) - capacity)
    assert ring.capacity == capacity


def test_ring_defaults_and_clear() -> None:
    ring = LogRing()
    assert ring.capacity == 10_000
    ring.extend(LogLine("stdout", "x") for _ in range(10_005))
    assert (len(ring), ring.dropped) == (10_000, 5)
    snap = ring.snapshot()
    ring.append(LogLine("stderr", "new"))
    assert snap[-1].text == "x"  # a snapshot does not change
    ring.clear()
    assert (len(ring), ring.dropped, ring.snapshot()) == (0, 0, ())
    with pytest.raises(ValueError):
        LogRing(0)


# -- search -----------------------------------------------------------------------------------

LINES = [
    LogLine("stdout", "Starting server on :8080"),
    LogLine("stderr", "error: connection refused (retry 1)"),
    LogLine("stdout", "ERROR again, error again"),
    LogLine("stdout", "all good"),
]


def test_plain_search_ignores_case_by_default() -> None:
    assert search_lines(LINES, "error") == [(1, [(0, 5)]), (2, [(0, 5), (13, 18)])]
    assert search_lines(LINES, "error", ignore_case=False) == [(1, [(0, 5)]), (2, [(13, 18)])]


def test_plain_search_takes_pattern_characters_literally() -> None:
    assert search_lines(LINES, "(retry 1)") == [(1, [(26, 35)])]
    assert search_lines(LINES, ".") == []
    assert search_lines(["a.b", "axb"], ".") == [(0, [(1, 2)])]


def test_regex_search() -> None:
    assert search_lines(LINES, r":\d+") == []
    assert search_lines(LINES, r":\d+", regex=True) == [(0, [(19, 24)])]
    assert search_lines(LINES, r"err\w*", regex=True, ignore_case=False) == [
        (1, [(0, 5)]),
        (2, [(13, 18)]),
    ]


def test_empty_and_zero_width_patterns_match_nothing() -> None:
    assert search_lines(LINES, "") == []
    assert search_lines(LINES, "^", regex=True) == []
    assert search_lines(["aXa", "b"], "X*", regex=True) == [(0, [(1, 2)])]


def test_bad_regex_is_a_clear_value_error() -> None:
    with pytest.raises(SearchPatternError, match="not a valid regular expression"):
        search_lines(LINES, "(unclosed", regex=True)
    assert issubclass(SearchPatternError, ValueError)
    assert search_lines(LINES, "(unclosed") == []  # fine as plain text


STAMPED = st.lists(
    st.tuples(
        st.sampled_from([1, 2]),
        st.none() | st.integers(min_value=0, max_value=4_000_000_000 * 10**9),
        st.text(alphabet="ab é😀\r", max_size=30),
    ),
    max_size=10,
)


def stamp(time_ns: int) -> str:
    when = datetime.fromtimestamp(time_ns // 10**9, tz=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{time_ns % 10**9:09d}Z"


@given(STAMPED, st.lists(st.integers(min_value=0, max_value=3000), max_size=30))
def test_timestamps_in_any_chunking(
    lines: list[tuple[int, int | None, str]], cuts: list[int]
) -> None:
    body = b"".join(
        frame(kind, ((stamp(t) + " " if t is not None else "") + text + "\n").encode())
        for kind, t, text in lines
    )
    whole = run(body, timestamps=True)
    assert run(body, [c % (len(body) + 1) for c in cuts], timestamps=True) == whole
    assert whole == [LogLine(NAMES[kind], text.removesuffix("\r"), t) for kind, t, text in lines]
    # Raw (TTY): the same entries without frames, every line stamped, one stream.
    raw = "".join((stamp(t) + " " if t is not None else "") + text + "\n" for _, t, text in lines)
    raw_lines = run(
        raw.encode(), [c % (len(raw) + 1) for c in cuts], timestamps=True, multiplexed=False
    )
    assert raw_lines == [LogLine("stdout", x.text, x.time_ns) for x in whole]
    # Cut into pieces, every piece still carries its own line's time.
    capped = run(body, [c % (len(body) + 1) for c in cuts], timestamps=True, max_line_bytes=7)
    assert all(len(line.text.encode()) <= 7 for line in capped)
    for name in ("stdout", "stderr"):
        got = [line.time_ns for line in capped if line.stream == name]
        want = [t for kind, t, _ in lines if NAMES[kind] == name]
        assert dedup(got) == dedup(want)


def dedup(values: list[int | None]) -> list[int | None]:
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


# -- against the private daemon ---------------------------------------------------------------


class Collector:
    """Subscribes to an Observable and keeps what it says."""

    def __init__(self, observable: Any) -> None:
        self.values: list[Any] = []
        self.errors: list[Exception] = []
        self.done = threading.Event()
        self.subscription = observable.subscribe(
            on_next=self.values.append,
            on_error=lambda exc: (self.errors.append(exc), self.done.set()),
            on_completed=self.done.set,
        )

    def wait_done(self, timeout: float = 20.0) -> list[Any]:
        assert self.done.wait(timeout), "the Observable did not complete"
        assert not self.errors, self.errors
        return self.values


LONG = 100_000  # longer than the engine's 16 KiB log chunks and our 64 KiB cap
SCRIPT = (
    "echo out one; echo err one >&2; printf 'bad \\377\\376 utf8\\n'; "
    f"head -c {LONG} /dev/zero | tr '\\0' x; echo; echo 'out två'; echo err two >&2; "
    "printf 'no newline at the end'"
)


@pytest.mark.engine
def test_engine_logs_read_back_exactly(engine_url: str, docker: Any, unique_name: str) -> None:
    cid = docker.run_detached(IMAGE, "sh", "-c", SCRIPT, name=unique_name)
    assert docker("wait", cid) == "0"
    client = EngineClient(engine_url)
    lines = Collector(logs(client, cid, follow=False)).wait_done()
    stdout = [line.text for line in lines if line.stream == "stdout"]
    stderr = [line.text for line in lines if line.stream == "stderr"]
    assert stderr == ["err one", "err two"]
    assert stdout[:2] == ["out one", "bad \ufffd\ufffd utf8"]
    assert stdout[-2:] == ["out två", "no newline at the end"]
    pieces = stdout[2:-2]
    assert "".join(pieces) == "x" * LONG
    assert len(pieces) == 2 and all(len(p) <= 64 * 1024 for p in pieces)
    assert all(line.time_ns is None for line in lines)

    # With timestamps: the same text, each line stamped by the engine, stamps removed.
    t0 = time.time_ns()
    stamped = Collector(logs(client, unique_name, follow=False, timestamps=True)).wait_done()
    assert [(x.stream, x.text) for x in stamped] == [(x.stream, x.text) for x in lines]
    assert all(x.time_ns is not None and abs(x.time_ns - t0) < 120 * 10**9 for x in stamped)

    # tail: only the last lines of each stream, as the engine counts them.
    tail = Collector(logs(client, cid, follow=False, tail=1)).wait_done()
    assert [x.text for x in tail] == ["no newline at the end"]


@pytest.mark.engine
def test_engine_logs_of_a_tty_container(engine_url: str, docker: Any, unique_name: str) -> None:
    cid = docker.run_detached(
        "-t", IMAGE, "sh", "-c", "echo to out; echo to err >&2", name=unique_name
    )
    assert docker("wait", cid) == "0"
    client = EngineClient(engine_url)
    lines = Collector(logs(client, cid, follow=False)).wait_done()
    # A TTY has one stream: raw bytes, \r\n line ends, all shown as stdout.
    assert [(x.stream, x.text) for x in lines] == [("stdout", "to out"), ("stdout", "to err")]
    stamped = Collector(logs(client, cid, follow=False, timestamps=True)).wait_done()
    assert [(x.stream, x.text) for x in stamped] == [("stdout", "to out"), ("stdout", "to err")]
    assert all(x.time_ns for x in stamped)


@pytest.mark.engine
def test_engine_follow_delivers_a_line_printed_later(
    engine_url: str, docker: Any, unique_name: str
) -> None:
    script = "echo first; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo after >&2; sleep 300"
    cid = docker.run_detached(IMAGE, "sh", "-c", script, name=unique_name)
    client = EngineClient(engine_url)
    before = set(threading.enumerate())
    got = Collector(logs(client, cid))
    wait_for(lambda: [x.text for x in got.values] == ["first"], what="the first line")
    docker("exec", cid, "touch", "/tmp/go")
    wait_for(lambda: LogLine("stderr", "after") in got.values, what="the line printed later")
    assert not got.done.is_set()  # following: still open
    readers = [t for t in set(threading.enumerate()) - before if t.name.startswith("genet-logs")]
    assert readers
    got.subscription.dispose()
    for t in readers:
        t.join(2.0)
        assert not t.is_alive()


@pytest.mark.engine
def test_engine_logs_of_no_such_container(engine_url: str) -> None:
    got = Collector(logs(EngineClient(engine_url), "genet-no-such-container"))
    assert got.done.wait(20.0)
    assert len(got.errors) == 1 and isinstance(got.errors[0], NotFound)
