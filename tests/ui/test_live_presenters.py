"""Pure parts of the live tabs: histories and units, log rows, inspect sections and masking,
and the batching operator (on reactivex's TestScheduler). No Kivy."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reactivex.scheduler import CurrentThreadScheduler
from reactivex.subject import Subject
from reactivex.testing import ReactiveTest, TestScheduler

from genet_kivy.batching import batched_on
from genet_kivy.history import History, RateHistory, nice_ceiling, percent, rate, size
from genet_kivy.inspect_doc import (
    MASK,
    TITLES,
    document_text,
    env_entries,
    is_secret,
    masked,
    section_text,
    sections,
)
from genet_kivy.log_rows import (
    SHOWN_CHARS,
    LogModel,
    escape,
    marked,
    row_of,
    saved_text,
    shown,
    view_attrs,
)
from genet_kivy.log_search import SearchResult
from genet_rx.model.logs import LogLine, search_lines

# -- History ----------------------------------------------------------------------------------


def test_history_keeps_only_the_window_and_is_bounded():
    h = History(window=300, maxlen=1000)
    for t in range(0, 1000):
        h.add(float(t), float(t % 7))
    pts = h.points()
    assert pts[0][0] == 699 and pts[-1][0] == 999 and len(h) == 301
    assert h.latest == 999 % 7 and h.peak() == 6
    small = History(window=1e9, maxlen=10)
    for t in range(50):
        small.add(t, t)
    assert len(small) == 10 and small.points()[0] == (40, 40)


def test_history_ignores_time_running_back():
    h = History()
    h.add(10, 1)
    h.add(5, 2)
    assert h.points() == [(10, 1)]


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e12)), max_size=200))
def test_history_invariants(points):
    h = History(window=300, maxlen=50)
    for t, v in sorted(points):
        h.add(t, v)
    pts = h.points()
    assert len(pts) <= 50
    assert pts == sorted(pts, key=lambda p: p[0])
    if pts:
        assert pts[-1][0] - pts[0][0] <= 300


def test_rate_history_turns_counters_into_rates_and_survives_a_reset():
    r = RateHistory()
    r.add_counter(0, 0)
    assert len(r) == 0  # no rate from one sample
    r.add_counter(1, 1000)
    r.add_counter(3, 5000)
    assert r.points() == [(1, 1000.0), (3, 2000.0)]
    r.add_counter(4, 10)  # restarted: counter went back
    assert len(r) == 2
    r.add_counter(5, 1010)
    assert r.latest == 1000.0


def test_units_and_axis_maximum():
    assert size(0) == "0 B" and size(999) == "999 B" and size(1500) == "1.5 kB"
    assert size(512 * 2**20, binary=True) == "512 MiB"
    assert size(1.5 * 2**30, binary=True) == "1.5 GiB"
    assert rate(2_000_000) == "2.0 MB/s"
    assert percent(12.345) == "12.3 %" and percent(187.6) == "188 %"
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 3, 7, 12, 99, 101, 250)] == [
        1,
        1,
        1,
        5,
        10,
        20,
        100,
        200,
        500,
    ]


# -- log rows -----------------------------------------------------------------------------------


def test_rows_tell_streams_apart_by_marker_and_colour():
    out, err, eng = (view_attrs(row_of(LogLine(s, "x"))) for s in ("stdout", "stderr", "error"))
    assert (out["marker"], err["marker"], eng["marker"]) == ("out", "err", "eng")
    assert len({out["text_color"], err["text_color"], eng["text_color"]}) == 3
    assert len({out["tint"], err["tint"], eng["tint"]}) == 3
    assert set(out) == set(err) == set(eng)  # every row has the same keys


def test_long_lines_are_cut_for_the_row_and_kept_whole():
    line = LogLine("stdout", "a" * 1_000_000)
    row = view_attrs(row_of(line))
    assert row["long"] and row["text"] == "a" * SHOWN_CHARS + "…"
    assert row["line"] is line
    assert shown("short") == "short"


def test_markup_is_escaped_and_matches_highlighted():
    assert escape("[b]&[/b]") == "&bl;b&br;&amp;&bl;/b&br;"
    text = marked("x [y] error z", [(6, 11)])
    assert text == "x &bl;y&br; [b][color=#ffd54f][u]error[/u][/color][/b] z"
    # a span beyond the shown part is not drawn; a span across the cut is clipped
    long = "e" * (SHOWN_CHARS + 50)
    assert marked(long, [(SHOWN_CHARS + 10, SHOWN_CHARS + 20)]).count("[u]") == 0
    assert marked(long, [(SHOWN_CHARS - 2, SHOWN_CHARS + 5)]).endswith("ee[/u][/color][/b]…")


def test_a_matching_row_is_drawn_with_its_matches_marked():
    look = view_attrs(row_of(LogLine("stderr", "an error, another Err"), [(3, 6), (18, 21)]))
    assert look["hit"] and look["text"].count("[u]") == 2


def test_a_row_keeps_only_the_spans_that_start_on_screen():
    row = row_of(LogLine("stdout", "x" * (SHOWN_CHARS + 10) + "err"), [(SHOWN_CHARS + 10, 503)])
    assert row["spans"] == ()


def run(job):
    """What the search worker does with a job, here on the test's thread."""
    hits = search_lines(job.lines, job.pattern, spans_before=SHOWN_CHARS)
    found = tuple((job.first_seq + i, tuple(spans)) for i, spans in hits)
    return SearchResult(job.generation, job.first_seq, len(job.lines), found)


def searched(m, pattern, regex=False):
    """Start a search on ``m`` and apply its result, as the Logs tab does."""
    job = m.search(pattern, regex)
    if job is not None:
        m.apply(run(job))


def added(m, lines):
    job = m.add(lines)
    if job is not None:
        m.apply(run(job))


def test_model_bounds_lines_counts_hits_and_searches():
    m = LogModel(capacity=100)
    searched(m, "err")
    added(
        m,
        [
            LogLine(
                "stderr" if i % 10 == 0 else "stdout", f"line {i} {'err' if i % 10 == 0 else ''}"
            )
            for i in range(250)
        ],
    )
    assert len(m) == 100 and len(m.rows) == 100 and m.dropped == 150
    assert m.hits == 10 and sum(r["hit"] for r in m.rows) == 10
    added(m, [LogLine("stdout", "new err")] * 5)
    assert m.hits == sum(r["hit"] for r in m.rows)
    searched(m, "(", regex=True)
    assert "regular expression" in m.search_error and m.hits == 0
    searched(m, "line 2[0-9]{2}", regex=True)
    assert m.search_error == "" and m.hits == sum(r["hit"] for r in m.rows) > 0
    added(m, [LogLine("stdout", str(i)) for i in range(1000)])  # a batch bigger than the ring
    assert len(m) == 100 and m.lines()[-1].text == "999"


def test_model_search_runs_nothing_itself_and_hands_out_a_job():
    m = LogModel(capacity=100)
    m.add([LogLine("stdout", "an err")])
    job = m.search("err")
    assert m.hits == 0  # nothing was matched here: the job goes to the worker
    assert len(job.lines) == 1


def test_model_ignores_the_result_of_a_replaced_search():
    m = LogModel(capacity=100)
    m.add([LogLine("stdout", "an err"), LogLine("stdout", "a warning")])
    old = m.search("err")
    m.search("warning")
    assert m.apply(run(old)) is False


def test_model_marks_by_line_number_when_lines_fell_off_meanwhile():
    m = LogModel(capacity=3)
    m.add([LogLine("stdout", f"line {i}") for i in range(3)])
    job = m.search("line 2")
    m.add([LogLine("stdout", "later")])  # line 0 falls off before the result comes back
    m.apply(run(job))
    assert [r["line"].text for r in m.rows if r["hit"]] == ["line 2"]


def test_model_stops_searching_when_a_search_is_too_slow():
    m = LogModel(capacity=100)
    job = m.search("a")
    m.apply(SearchResult(job.generation, 0, 0, (), "search stopped: pattern too slow"))
    assert m.add([LogLine("stdout", "a")]) is None


def test_model_rows_follow_the_lines_the_byte_budget_drops():
    m = LogModel(capacity=10_000, max_bytes=2**20)
    searched(m, "x")
    added(m, [LogLine("stdout", "x" * 65536) for _ in range(100)])
    assert len(m.rows) == len(m.ring)


def test_model_counts_hits_after_the_byte_budget_drops_lines():
    m = LogModel(capacity=10_000, max_bytes=2**20)
    searched(m, "x")
    for _ in range(10):
        added(m, [LogLine("stdout", "x" * 65536) for _ in range(10)])
    assert m.hits == len(m.ring)


def test_saved_text_is_the_lines_with_optional_stamps():
    lines = [LogLine("stdout", "a", 1_800_000_000_123_456_789), LogLine("stderr", "b", None)]
    assert saved_text(lines) == "out a\nerr b\n"
    assert saved_text(lines, timestamps=True) == "2027-01-15T08:00:00.123456789Z out a\nerr b\n"


# -- inspect --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "PGPASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "API_KEY",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASS",
        "SMTP_PWD",
        "OAUTH_CLIENT_SECRET",
        "PRIVATE_KEY_PATH",
        "REGISTRY_AUTH",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "db_password",
        "SESSION_COOKIE",
    ],
)
def test_secret_looking_names_are_masked(name):
    assert is_secret(name)
    assert masked(name, "hunter2") == MASK
    assert masked(name, "hunter2", revealed=True) == "hunter2"


@pytest.mark.parametrize("name", ["PATH", "HOME", "LANG", "PWD", "HOSTNAME", "PASSENGER_COUNT"])
def test_ordinary_names_are_not(name):
    assert not is_secret(name, "/usr/bin")
    assert masked(name, "v") == "v"


def test_a_url_with_a_password_is_a_secret_whatever_its_name():
    assert is_secret("DATABASE_URL", "postgres://app:hunter2@db:5432/app")
    assert not is_secret("HOMEPAGE", "https://example.com/a:b")


DOC = {
    "Id": "c" * 64,
    "Name": "/web",
    "Created": "2026-11-28T10:00:00Z",
    "RestartCount": 2,
    "State": {
        "Status": "running",
        "Running": True,
        "Pid": 42,
        "ExitCode": 0,
        "StartedAt": "2026-11-28T10:00:01Z",
        "FinishedAt": "0001-01-01T00:00:00Z",
        "Health": {
            "Status": "healthy",
            "FailingStreak": 0,
            "Log": [{"Start": "2026-11-28T10:00:31.1Z", "ExitCode": 0, "Output": "ok\n"}],
        },
    },
    "Config": {
        "Image": "nginx:1.27",
        "Cmd": ["nginx", "-g", "daemon off;"],
        "Tty": False,
        "Env": ["PATH=/usr/bin", "DB_PASSWORD=hunter2", "EMPTY=", "NOEQUALS"],
        "Labels": {"tier": "front", "a": "b"},
    },
    "HostConfig": {
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
        "NetworkMode": "bridge",
        "AutoRemove": False,
    },
    "Mounts": [
        {
            "Type": "volume",
            "Name": "data",
            "Source": "/var/lib/x",
            "Destination": "/data",
            "RW": False,
        }
    ],
    "NetworkSettings": {
        "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "443/tcp": None},
        "Networks": {"bridge": {"IPAddress": "172.17.0.2", "IPPrefixLen": 16}},
    },
}


def test_sections_in_order_with_their_facts():
    secs = {s.key: s for s in sections(DOC)}
    assert [s.title for s in sections(DOC)] == [
        "State",
        "Config",
        "Env",
        "Mounts",
        "Ports / Network",
        "Labels",
        "Restart policy",
        "Health log",
    ]
    state = dict((e.label, e.value) for e in secs["state"].entries)
    assert state["Status"] == "running" and state["PID"] == "42" and "Finished" not in state
    config = dict((e.label, e.value) for e in secs["config"].entries)
    assert config["Command"] == "nginx -g 'daemon off;'" and config["Name"] == "web"
    assert [e.label for e in secs["env"].entries] == ["PATH", "DB_PASSWORD", "EMPTY", "NOEQUALS"]
    assert [e.secret for e in secs["env"].entries] == [False, True, False, False]
    assert secs["mounts"].entries[0].value == "volume data (read-only)"
    net = dict((e.label, e.value) for e in secs["network"].entries)
    assert net["80/tcp"] == "published on 0.0.0.0:8080"
    assert net["443/tcp"] == "exposed, not published"
    assert net["Network bridge"] == "IP 172.17.0.2/16"
    assert [e.label for e in secs["labels"].entries] == ["a", "tier"]
    restart = dict((e.label, e.value) for e in secs["restart"].entries)
    assert restart == {
        "Policy": "on-failure",
        "Max retries": "3",
        "Restarts so far": "2",
        "Remove when stopped": "no",
    }
    assert secs["health"].entries[0].value == "exit 0: ok"


def test_an_empty_document_says_what_is_missing():
    secs = {s.key: s for s in sections({})}
    assert [e.value for e in secs["mounts"].entries] == ["No mounts."]


def test_a_string_where_mounts_should_be_shows_no_mounts():
    secs = {s.key: s for s in sections({"Mounts": "x", "Config": [], "NetworkSettings": 3})}
    assert [e.value for e in secs["mounts"].entries] == ["No mounts."]


ODD = {
    "Id": "c" * 64,
    "Mounts": 3,
    "State": {"Status": "running", "Health": {"Log": 5}},
    "Config": {"Env": ["A=1"], "Labels": {"x": 1}},
    "HostConfig": {"NanoCpus": "two"},
    "NetworkSettings": {
        "Networks": {"front": {"IPAddress": "10.0.0.2", "Aliases": [1]}},
        "Ports": {"80/tcp": [3]},
    },
}


def test_an_odd_document_still_shows_its_state():
    secs = {s.key: s for s in sections(ODD)}
    assert ("Status", "running") in [(e.label, e.value) for e in secs["state"].entries]


def test_an_odd_document_still_shows_its_network():
    secs = {s.key: s for s in sections(ODD)}
    assert ("Network front", "IP 10.0.0.2/, aliases 1") in [
        (e.label, e.value) for e in secs["network"].entries
    ]


def test_an_odd_document_still_shows_its_env():
    secs = {s.key: s for s in sections(ODD)}
    assert [(e.label, e.value) for e in secs["env"].entries] == [("A", "1")]


def test_a_document_that_is_not_an_object_shows_empty_sections():
    assert len(sections([1, 2])[0].entries) == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=30,
)
KEYS = st.sampled_from(
    ["Id", "Name", "State", "Config", "HostConfig", "NetworkSettings", "Mounts", "Image",
     "RestartCount", "Args", "Health", "Env", "Labels", "Cmd", "Entrypoint", "Healthcheck",
     "Log", "Networks", "Ports", "Aliases", "RestartPolicy", "NanoCpus", "LogConfig", "Test"]
)
ODD_DOCS = st.recursive(
    JSON,
    lambda inner: st.dictionaries(KEYS, inner, max_size=6) | st.lists(inner, max_size=3),
    max_leaves=40,
)


@given(ODD_DOCS)
def test_sections_of_any_document_never_raise(doc):
    assert [s.key for s in sections(doc)] == list(TITLES)


@given(ODD_DOCS)
def test_copies_of_any_document_never_raise(doc):
    assert all(isinstance(section_text(s), str) for s in sections(doc))


@given(ODD_DOCS)
def test_the_whole_document_text_of_any_document_never_raises(doc):
    assert isinstance(document_text(doc), str)


SECRET_DOC = {
    "Args": ["--password=hunter2"],
    "Config": {
        "Cmd": ["app", "--password=hunter2", "--token", "tok123"],
        "Env": ["CACHE=redis://:s3cret@cache"],
        "Labels": {
            "traefik.http.middlewares.a.basicauth.users": "admin:$apr1$H6uskkkW$IgXLP6",
            "db": "postgres://u:pw9@db/x",
        },
    },
}


@pytest.mark.parametrize("secret", ["hunter2", "tok123", "s3cret", "$apr1$", "pw9"])
def test_the_sections_show_no_secret(secret):
    shown = "".join(e.shown() for s in sections(SECRET_DOC) for e in s.entries)
    assert secret not in shown


@pytest.mark.parametrize("secret", ["hunter2", "tok123", "s3cret", "$apr1$", "pw9"])
def test_section_copies_hold_no_secret(secret):
    assert all(secret not in section_text(s) for s in sections(SECRET_DOC))


@pytest.mark.parametrize("secret", ["hunter2", "tok123", "s3cret", "$apr1$", "pw9"])
def test_the_whole_document_copy_holds_no_secret(secret):
    assert secret not in document_text(SECRET_DOC)


def test_a_revealed_command_is_copied_whole():
    assert "tok123" in document_text(SECRET_DOC, {"config:Command"})


def test_a_revealed_label_is_shown_whole():
    labels = next(s for s in sections(SECRET_DOC) if s.key == "labels")
    assert "pw9" in section_text(labels, {"labels:db"})


def test_copies_keep_secrets_masked_unless_revealed():
    env = next(s for s in sections(DOC) if s.key == "env")
    assert "DB_PASSWORD=" + MASK in section_text(env) and "hunter2" not in section_text(env)
    assert "DB_PASSWORD=hunter2" in section_text(env, {"env:DB_PASSWORD"})
    assert "hunter2" not in document_text(DOC)
    assert "DB_PASSWORD=hunter2" in document_text(DOC, {"env:DB_PASSWORD"})
    assert DOC["Config"]["Env"][1] == "DB_PASSWORD=hunter2"  # the document is not changed
    assert env_entries(None) == ()


# -- batching -------------------------------------------------------------------------------


def test_batches_arrive_one_list_per_drain_then_completion():
    scheduler = TestScheduler()
    source = scheduler.create_hot_observable(
        ReactiveTest.on_next(210, 1),
        ReactiveTest.on_next(210, 2),
        ReactiveTest.on_next(220, 3),
        ReactiveTest.on_completed(230),
    )
    results = scheduler.start(lambda: source.pipe(batched_on(scheduler, 100)))
    assert results.messages == [
        ReactiveTest.on_next(210, [1, 2]),
        ReactiveTest.on_next(220, [3]),
        ReactiveTest.on_completed(230),
    ]


def test_a_flood_keeps_only_the_newest_capacity_values():
    class Manual(CurrentThreadScheduler):
        def __init__(self):
            super().__init__()
            self.queued = []

        def schedule(self, action, state=None):
            self.queued.append((action, state))
            from reactivex.disposable import Disposable

            return Disposable()

        def run(self):
            queued, self.queued = self.queued, []
            for action, state in queued:
                action(self, state)

    manual = Manual()
    subject: Subject[int] = Subject()
    got: list[list[int]] = []
    subject.pipe(batched_on(manual, 10)).subscribe(got.append)
    producer = threading.Thread(target=lambda: [subject.on_next(i) for i in range(10_000)])
    producer.start()
    producer.join()
    assert len(manual.queued) == 1  # one drain scheduled for the whole flood
    manual.run()
    assert got == [list(range(9990, 10_000))]
    errors = []
    subject2: Subject[int] = Subject()
    subject2.pipe(batched_on(manual, 10)).subscribe(on_error=errors.append)
    subject2.on_next(1)
    subject2.on_error(ValueError("boom"))
    manual.run()
    assert [str(e) for e in errors] == ["boom"]


def test_disposing_drops_what_was_pending():
    scheduler = TestScheduler()
    subject: Subject[int] = Subject()
    got: list = []
    sub = subject.pipe(batched_on(scheduler, 10)).subscribe(got.append)
    subject.on_next(1)
    sub.dispose()
    scheduler.start()
    assert got == []


# -- row stats ---------------------------------------------------------------------------------


def test_row_stats_keeps_at_most_the_limit_and_follows_what_is_on_screen():
    from genet_kivy.row_stats import RowStats
    from genet_rx.model.stats import Stats

    subjects: dict[str, Subject] = {}
    changes: list[int] = []

    def open_stream(cid):
        subjects[cid] = Subject()
        return subjects[cid]

    rows = RowStats(open_stream, lambda o: o, lambda: changes.append(1), limit=3)
    rows.want(["a", "b", "c", "d", "e"])
    assert rows.open_ids == {"a", "b", "c"}
    sample = Stats(12.5, 50 * 2**20, 0, 0.0, 0, 0, 0, 0, 1, None, 1)
    subjects["a"].on_next(sample)
    assert rows.usage == {"a": "12.5 % · 50.0 MiB"} and changes == [1]
    subjects["a"].on_next(sample)  # the same figures again: nothing to redraw
    assert changes == [1]
    rows.want(["c", "d", "e", "f"])  # a and b scrolled out
    assert rows.open_ids == {"c", "d", "e"}
    assert not subjects["a"].observers and not subjects["b"].observers
    assert rows.usage == {}
    subjects["c"].on_completed()  # stopped: its stream ends and is not reopened
    assert rows.open_ids == {"d", "e"}
    rows.want(["c", "d", "e", "f"])
    assert rows.open_ids == {"d", "e", "f"}
    rows.want(["d"])
    rows.want(["c", "d"])  # c left the screen and came back: a new stream
    assert rows.open_ids == {"c", "d"}
    rows.close()
    assert rows.open_ids == set() and all(not s.observers for s in subjects.values())
