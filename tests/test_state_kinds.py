"""The engine state's folds for images, volumes and networks, and the cross-references."""

from __future__ import annotations

from types import MappingProxyType

from genet_rx.model.attachments import Attachments
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container, State
from genet_rx.model.events import Event
from genet_rx.model.images import Image
from genet_rx.model.networks import Network
from genet_rx.model.volumes import Volume
from genet_rx.state.changes import Inspected, Snapshot, Vanished
from genet_rx.state.engine_state import EngineState, apply, initial, needs_inspect, needs_list
from genet_rx.state.relations import image_users, network_members, volume_users
from genet_rx.state.verdict import Verdict

S = 1_000_000_000
IMG = "sha256:" + "a" * 64


def ev(type_: str, action: str, actor: str, ns: int, **attrs: str) -> Event:
    return Event(type_, action, actor, ns, MappingProxyType(attrs))


def fold(changes: list[object], state: EngineState | None = None) -> EngineState:
    state = state or initial("unix:///x.sock")
    for change in changes:
        state = apply(state, change)  # type: ignore[arg-type]
    return state


def synced() -> EngineState:
    return fold([Snapshot((), 0, "image"), Snapshot((), 0, "volume"),
                 Snapshot((), 0, "network"), Snapshot((), 0, "container")])


def test_a_volume_create_event_makes_its_row_at_once() -> None:
    state = fold([ev("volume", "create", "data", 5 * S, driver="local")], synced())
    assert state.volumes.rows["data"].driver == "local"
    assert state.volumes.rows["data"].event_ns == 5 * S


def test_a_volume_destroy_removes_it_and_leaves_a_tombstone() -> None:
    state = fold([ev("volume", "create", "data", 5 * S), ev("volume", "destroy", "data", 6 * S)],
                 synced())
    assert "data" not in state.volumes.rows
    assert state.volumes.tombstones["data"] == 6 * S


def test_a_volume_name_can_be_reused_after_destroy() -> None:
    state = fold([ev("volume", "create", "data", 5 * S), ev("volume", "destroy", "data", 6 * S),
                  ev("volume", "create", "data", 7 * S)], synced())
    assert "data" in state.volumes.rows
    assert "data" not in state.volumes.tombstones


def test_a_lagging_list_does_not_bring_back_a_destroyed_volume() -> None:
    state = fold([ev("volume", "create", "data", 5 * S), ev("volume", "destroy", "data", 6 * S)],
                 synced())
    state = apply(state, Snapshot((Volume("data"),), 4 * S, "volume"))
    assert "data" not in state.volumes.rows


def test_a_list_drops_what_it_no_longer_lists_unless_an_event_is_newer() -> None:
    state = fold([Snapshot((Volume("old"),), 1 * S, "volume"),
                  ev("volume", "create", "new", 9 * S)], synced())
    state = apply(state, Snapshot((), 5 * S, "volume"))
    assert "old" not in state.volumes.rows
    assert "new" in state.volumes.rows


def test_an_unchanged_list_keeps_the_very_same_table() -> None:
    state = fold([Snapshot((Volume("a"),), 1 * S, "volume")], synced())
    again = apply(state, Snapshot((Volume("a"),), 2 * S, "volume"))
    assert again.volumes is state.volumes


def test_image_events_ask_for_an_inspect_and_change_nothing_themselves() -> None:
    state = synced()
    pulled = ev("image", "pull", "busybox:latest", 5 * S, name="busybox")
    assert needs_inspect(state, pulled)
    assert apply(state, pulled).images is state.images
    assert apply(state, pulled).verdict is Verdict.FOLDED


def test_an_inspect_after_a_pull_revives_an_image_deleted_before() -> None:
    state = fold([Snapshot((Image(IMG, tags=("busybox:latest",)),), 1 * S, "image"),
                  ev("image", "delete", IMG, 5 * S)], synced())
    assert IMG not in state.images.rows
    fresh = Image(IMG, tags=("busybox:latest",))
    state = apply(state, Inspected(fresh, 4 * S, settles_ns=6 * S, kind="image"))
    assert state.images.rows[IMG].tags == ("busybox:latest",)


def test_an_inspect_older_than_the_delete_does_not_revive_it() -> None:
    state = fold([ev("image", "delete", IMG, 5 * S)], synced())
    stale = Image(IMG, tags=("busybox:latest",))
    state = apply(state, Inspected(stale, 3 * S, settles_ns=4 * S, kind="image"))
    assert IMG not in state.images.rows


def test_an_untag_refreshed_by_inspect_shows_the_tags_left() -> None:
    state = fold([Snapshot((Image(IMG, tags=("a:1", "b:2")),), 1 * S, "image")], synced())
    state = apply(state, ev("image", "untag", IMG, 5 * S, name=IMG))
    state = apply(state, Inspected(Image(IMG, tags=("b:2",)), 4 * S, 5 * S, "image"))
    assert state.images.rows[IMG].tags == ("b:2",)


def test_an_inspect_404_removes_the_image() -> None:
    state = fold([Snapshot((Image(IMG),), 1 * S, "image")], synced())
    state = apply(state, Vanished(IMG, 5 * S, "image"))
    assert IMG not in state.images.rows


def test_an_event_of_an_unknown_kind_is_counted_as_other() -> None:
    state = apply(synced(), ev("plugin", "enable", "p1", 5 * S))
    assert state.verdict is Verdict.OTHER
    assert state.last_event_ns == 5 * S


def test_volume_mount_is_noise_for_the_volume_table() -> None:
    state = fold([ev("volume", "create", "data", 5 * S)], synced())
    mounted = apply(state, ev("volume", "mount", "data", 6 * S, container="c1"))
    assert mounted.volumes is state.volumes
    assert mounted.verdict is Verdict.NOISE


def web(**uses: object) -> Container:
    return Container(id="c1", name="web", state=State.RUNNING, uses=Attachments(**uses))


def test_a_network_connect_joins_the_container_to_it() -> None:
    state = fold([Snapshot((web(),), 1 * S), Snapshot((Network("n1", "front"),), 1 * S,
                                                      "network")], synced())
    state = apply(state, ev("network", "connect", "n1", 5 * S, container="c1", name="front"))
    assert state.containers.rows["c1"].uses.network_ids == ("n1",)
    assert [c.id for c in network_members(state, "n1")] == ["c1"]


def test_a_network_disconnect_sent_twice_leaves_it_once() -> None:
    state = fold([Snapshot((web(networks=(("n1", "front", "10.0.0.2"),)),), 1 * S)], synced())
    gone = ev("network", "disconnect", "n1", 5 * S, container="c1", name="front")
    state = fold([gone, gone], state)
    assert state.containers.rows["c1"].uses.networks == ()


def test_image_users_come_from_the_container_table() -> None:
    state = fold([Snapshot((web(image_id=IMG),), 1 * S)], synced())
    assert [c.name for c in image_users(state, IMG)] == ["web"]


def test_volume_users_come_from_the_container_table() -> None:
    state = fold([Snapshot((web(volumes=("data",)),), 1 * S)], synced())
    assert [c.name for c in volume_users(state, "data")] == ["web"]
    assert volume_users(state, "other") == ()


def test_a_connection_change_is_folded_into_the_state() -> None:
    up = Connection("unix:///x.sock", Link.CONNECTED, api_version="1.41")
    assert apply(synced(), up).connection is up


def test_a_volume_prune_asks_for_a_fresh_list() -> None:
    assert needs_list(ev("volume", "prune", "", 5 * S, reclaimed="0"))


def test_a_container_prune_needs_no_list_each_sends_its_destroy() -> None:
    assert not needs_list(ev("container", "prune", "", 5 * S))
