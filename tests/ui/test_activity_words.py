"""The Activity log's words and bounds, and the History tab's rows (pure: no Kivy)."""

from __future__ import annotations

from genet_kivy.activity import ActivityLog, alert_text, event_words
from genet_kivy.container_history import KEPT_GAP, UNREAD_GAP, history_rows
from genet_rx.model.events import Event
from genet_rx.state.alerts import Alert, AlertKind

T = 1_700_000_000 * 10**9


def ev(action: str, t: int = 0, cid: str = "c1", kind: str = "container", **attrs: str) -> Event:
    return Event(kind, action, cid, T + t, {"name": "web", **attrs})


def test_a_die_after_a_kill_says_which_signal_stopped_it() -> None:
    log = ActivityLog()
    log.add_event(ev("kill", 1, signal="15"), "local")
    entry = log.add_event(ev("die", 2, exitCode="0"), "local")
    fact, _clock, why = entry.text.split(" · ")
    assert fact == "web stopped (exit 0)"
    assert why == "by kill signal 15"


def test_a_die_nobody_asked_for_names_no_signal() -> None:
    log = ActivityLog()
    log.add_event(ev("kill", 1, signal="15"), "local")
    log.add_event(ev("start", 2), "local")
    assert log.add_event(ev("die", 3, exitCode="3"), "local").text.count(" · ") == 1


def test_other_kinds_read_as_kind_name_verb() -> None:
    assert event_words(ev("create", kind="volume")) == "volume web created"


def test_an_alert_reads_as_what_happened() -> None:
    alert = Alert("c1", "web", AlertKind.DIED, T, exit_code=3)
    assert alert_text(alert) == "web died unexpectedly (exit 3)"


def test_the_log_is_bounded_and_newest_first() -> None:
    log = ActivityLog(capacity=3)
    for i in range(5):
        log.add_event(ev("start", i, cid=f"c{i}"), "local")
    assert [e.actor_id for e in log.rows()] == ["c4", "c3", "c2"]


def test_rows_filter_by_kind_container_and_engine() -> None:
    log = ActivityLog()
    log.add_event(ev("start"), "a")
    log.add_event(ev("pull", kind="image"), "a")
    log.add_event(ev("start", cid="c2", name="db"), "b")
    log.add_alert(Alert("c1", "web", AlertKind.OOM, T), "a")
    assert len(log.rows("container")) == 2
    assert [e.kind for e in log.rows("alerts")] == ["alert"]
    assert [e.name for e in log.rows(container="D")] == ["db"]
    assert len(log.rows(engine="b")) == 1


def test_history_joins_both_records_once_each_newest_first() -> None:
    kept = [ev("create", 0), ev("start", 1)]
    seen = [ev("start", 1), ev("die", 5, exitCode="1")]
    rows = history_rows(seen, kept)
    assert [r["text"].split(" · ")[0] for r in rows] == [
        "web stopped (exit 1)", "web started", "web created"]
    assert not any(r["gap"] for r in rows)


def test_history_without_the_create_is_marked_as_maybe_missing_earlier_events() -> None:
    rows = history_rows([ev("start", 1)], [])
    assert rows[-1] == {"text": KEPT_GAP, "gap": True}


def test_history_says_when_the_engines_record_could_not_be_read() -> None:
    rows = history_rows([ev("create", 0)], [], engine_read=False)
    assert rows[0] == {"text": UNREAD_GAP, "gap": True}


def test_a_broken_stream_leaves_a_gap_entry_in_the_activity() -> None:
    log = ActivityLog()
    log.add_event(ev("start"), "local")
    log.add_gap("local", T + 5)
    assert log.rows()[0].kind == "gap"
    assert log.rows()[0].text.startswith("The engine's events stopped arriving")
