"""Many engines as the UI sees them, pure: the merged state, row keys, chips, the Engines
screen's entries, and the container list grouped and filtered by engine."""

from __future__ import annotations

import immutables
from msgspec.structs import replace

from genet_kivy.engine_view import (
    chip_of,
    entries,
    label,
    merged_state,
    row_key,
    split_key,
)
from genet_kivy.presenters import HEADER, SidebarRows
from genet_rx.engine.saved import SavedEngine
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows
from genet_rx.state.engine_state import EngineState

SAME_ID = "c" * 64


def engine(host: str, *rows: Container, link: Link = Link.CONNECTED,
           message: str | None = None) -> EngineState:
    table = replace(from_rows(list(rows)), synced=True)
    return EngineState(host=host, connection=Connection(host, link, "1.41", message),
                       containers=table)


def box(name: str, host: str, id: str = "", state: State = State.RUNNING) -> Container:
    return Container(id=id or f"{name:0<12}" + "e" * 52, name=name, image="busybox",
                     state=state, host=host)


def test_one_engine_is_its_own_state_keyed_by_plain_ids():
    local = engine("unix:///a.sock", box("web", "unix:///a.sock"))
    merged = merged_state(immutables.Map({"": local}), [""])
    assert merged is local


def test_the_same_id_on_two_engines_is_two_rows():
    a = engine("unix:///a.sock", box("web", "unix:///a.sock", SAME_ID))
    b = engine("tcp://b:2376", box("web", "tcp://b:2376", SAME_ID, State.EXITED))
    merged = merged_state(immutables.Map({"a": a, "b": b}), ["a", "b"])
    assert set(merged.containers.rows) == {row_key("a", SAME_ID), row_key("b", SAME_ID)}
    assert merged.containers.get(row_key("b", SAME_ID)).state is State.EXITED


def test_a_row_key_splits_back_into_engine_and_id():
    assert split_key(row_key("tcp://b:2376", SAME_ID)) == ("tcp://b:2376", SAME_ID)
    assert split_key(row_key("", SAME_ID)) == ("", SAME_ID)
    assert split_key(SAME_ID) == (None, SAME_ID)


def test_the_app_is_live_while_any_engine_is():
    up = engine("unix:///a.sock")
    down = engine("unix:///gone.sock", link=Link.DISCONNECTED, message="no such socket")
    merged = merged_state(immutables.Map({"gone": down, "a": up}), ["gone", "a"])
    assert merged.connection.state is Link.CONNECTED


def test_an_offline_chip_says_why():
    chip = chip_of("gone", engine("unix:///gone.sock", link=Link.DISCONNECTED,
                                  message="no such socket"))
    assert (chip.word, chip.reason) == ("offline", "no such socket")


def test_a_live_engine_not_verified_says_so():
    assert chip_of("ctx", engine("tcp://b:2376"), verified=False).word == "unverified TLS"


def test_a_connecting_engine_has_no_reason():
    chip = chip_of("b", engine("tcp://b:2376", link=Link.CONNECTING))
    assert (chip.word, chip.reason) == ("connecting", "")


def test_a_url_is_called_by_its_host_or_the_end_of_its_socket_path():
    assert label("tcp://127.0.0.1:2376") == "127.0.0.1:2376"
    assert label("ssh://me@box") == "me@box"
    assert label("unix:///tmp/genet-x/docker.sock") == "genet-x/docker.sock"
    assert label("prod") == "prod"


def test_the_docker_cli_choice_is_called_default():
    assert chip_of("", engine("unix:///var/run/docker.sock")).label == "default"


def test_entries_list_open_engines_then_disabled_saved_ones():
    a = engine("unix:///a.sock", box("web", "unix:///a.sock"))
    shown = entries(["", "tcp://b:2376"], immutables.Map({"": a}),
                    [SavedEngine("tcp://b:2376"), SavedEngine("ssh://c", enabled=False)],
                    {"": "20.10.24"}, {})
    assert [(e.chip.label, e.saved, e.enabled) for e in shown] == [
        ("default", False, True), ("b:2376", True, True), ("c", True, False)]
    assert "API 1.41" in shown[0].about and "Engine 20.10.24" in shown[0].about
    assert shown[0].counts.startswith("1 containers (1 running)")


def merged_pair() -> EngineState:
    a = engine("unix:///a.sock", box("web", "unix:///a.sock"), box("db", "unix:///a.sock"))
    b = engine("tcp://b:2376", box("api", "tcp://b:2376", state=State.EXITED))
    return merged_state(immutables.Map({"a": a, "b": b}), ["a", "b"])


def headers(rows) -> list[tuple[str, int]]:
    return [(r["title"], r["count"]) for r in rows if r["viewclass"] == HEADER]


def test_grouped_by_engine_each_engine_is_a_group():
    rows = SidebarRows().present(merged_pair().containers, group_by="engine")
    assert headers(rows) == [("a", 2), ("b", 1)]


def test_grouped_by_state_rows_of_every_engine_mix():
    rows = SidebarRows().present(merged_pair().containers)
    assert headers(rows) == [("Running", 2), ("Exited", 1)]


def test_filtered_to_one_engine_only_its_rows_remain():
    rows = SidebarRows().present(merged_pair().containers, only="b")
    assert [r["name"] for r in rows if r["viewclass"] != HEADER] == ["api"]


def test_with_many_engines_a_row_names_its_engine_and_is_keyed_by_it():
    rows = SidebarRows().present(merged_pair().containers, only="b")
    row = next(r for r in rows if r["viewclass"] != HEADER)
    assert row["subtitle"] == "b · busybox"
    assert split_key(row["cid"])[0] == "b"


def test_state_after_state_the_merge_patches_only_what_changed_and_equals_a_fresh_one():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from genet_kivy.engine_view import Merger

    names = ["a", "b", "c"]
    # A step: one engine's row n gets state s (None: the row is removed).
    step = st.tuples(st.sampled_from(names), st.integers(0, 5),
                     st.sampled_from([State.RUNNING, State.PAUSED, None]))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.lists(step, max_size=4), max_size=8))
    def check(states):
        rows = {n: {i: box(f"{n}{i}", n, state=State.RUNNING) for i in range(3)}
                for n in names}
        merger = Merger()
        for changes in [[], *states]:
            for name, i, state in changes:
                if state is None:
                    rows[name].pop(i, None)
                else:
                    rows[name][i] = box(f"{name}{i}", name, state=state)
            merged = immutables.Map({n: engine(n, *rows[n].values()) for n in names})
            got = merger.merge(merged, names)
            assert dict(got.containers.rows) == dict(merged_state(merged, names).containers.rows)

    check()


def test_an_engine_that_did_not_change_keeps_the_merged_rows_as_they_were():
    from genet_kivy.engine_view import Merger

    a, b = engine("a", box("web", "a")), engine("b", box("api", "b"))
    merger = Merger()
    first = merger.merge(immutables.Map({"a": a, "b": b}), ["a", "b"])
    again = merger.merge(immutables.Map({"a": a, "b": b}), ["a", "b"])
    assert again.containers.rows is first.containers.rows
