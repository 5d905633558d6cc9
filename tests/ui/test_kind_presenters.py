"""Pure presentation of images, volumes and networks: rows, order, search, detail, actions."""

from __future__ import annotations

import pytest
from kinds_sample import (
    BRIDGE,
    DANGLING,
    EMPTY_NET,
    NGINX,
    SHOP,
    containers,
    history,
    images,
    networks,
    usage,
    volumes,
)
from msgspec.structs import replace

from genet_kivy.kinds import KINDS, SPECS
from genet_kivy.kinds.base import count_text, empty_text, matches, present
from genet_kivy.kinds.disk import reclaim_text, total_text, usage_rows
from genet_kivy.kinds.images import layer_text
from genet_kivy.kinds.volumes import short_name
from genet_rx.engine.commands import (
    ConnectNetwork,
    DisconnectNetwork,
    PruneImages,
    PruneVolumes,
    RemoveImage,
    RemoveNetwork,
    RemoveVolume,
)
from genet_rx.model.disk import Usage
from genet_rx.model.images import Image
from genet_rx.model.networks import Network
from genet_rx.state.containers import from_rows
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Table

NOW = 1_795_086_400 * 10**9  # a day after the samples were made

IMAGES, VOLUMES, NETWORKS = SPECS["images"], SPECS["volumes"], SPECS["networks"]


def state() -> EngineState:
    return EngineState(containers=from_rows(containers()), images=images(), volumes=volumes(),
                       networks=networks())


def titles(rows):
    return [r["title"] for r in rows]


def fields(spec, key):
    item = spec.table(state()).get(key)
    return {f.key: f.value for f in spec.fields(item, state(), NOW)}


def test_navigation_lists_every_kind_in_order():
    assert [k for k, _ in KINDS] == ["containers", "images", "volumes", "networks", "services",
                                     "nodes", "activity", "settings"]
    assert list(SPECS) == ["images", "volumes", "networks", "services", "nodes"]


# -- images ------------------------------------------------------------------------------


def test_image_rows_tags_short_id_size_users_and_dangling_last():
    rows = present(IMAGES, state())
    assert titles(rows) == ["busybox:latest", "nginx:1.27", "postgres:16", "redis:7", "<none>"]
    nginx = rows[1]
    assert nginx["key"] == NGINX and nginx["aside"] == "192.4 MB"
    assert nginx["subtitle"] == "1a1a1a1a1a1a +1 tag · 1 container"
    assert nginx["badge"] == "in use"
    none = rows[-1]
    assert none["badge"] == "dangling" and none["subtitle"] == "4d4d4d4d4d4d · unused"
    assert all(r["viewclass"] == "ResourceRow" for r in rows)


def test_image_order_does_not_jump_when_users_or_sizes_change():
    before = titles(present(IMAGES, state()))
    s = state()
    grown = replace(s.images.get(NGINX), size=10**12)
    changed = replace(s, containers=from_rows([]),
                      images=Table(s.images.rows.set(NGINX, grown), synced=True))
    assert titles(present(IMAGES, changed)) == before


def test_image_search_looks_through_tags_ids_and_dangling():
    assert titles(present(IMAGES, state(), "nginx latest")) == ["nginx:1.27"]
    assert titles(present(IMAGES, state(), "4d4d")) == ["<none>"]
    assert titles(present(IMAGES, state(), "<none>")) == ["<none>"]
    assert present(IMAGES, state(), "zzz") == []
    assert empty_text(IMAGES, state(), "zzz", True) == "Nothing matches “zzz”."


def test_image_detail_fields_sections_and_layers():
    f = fields(IMAGES, NGINX)
    assert f["tags"] == "nginx:1.27\nnginx:latest" and f["id"] == "1a1a1a1a1a1a"
    assert f["size"] == "192.4 MB" and f["used"] == "1 container"
    assert f["created"].startswith("2026-11-18") and "(1 day ago)" in f["created"]
    assert f["digests"].startswith("nginx@sha256:") and f["labels"].startswith("maintainer=")
    image = IMAGES.table(state()).get(NGINX)
    loading = IMAGES.sections(image, state(), None)
    assert [link.title for link in loading[0].links] == ["web"]
    assert loading[1].lines == ("Loading…",)
    layers = IMAGES.sections(image, state(), history())[1]
    assert layers.title == "Layers (4)"
    assert layers.lines[1].endswith("EXPOSE 80") and "112.7 MB" in layers.lines[2]
    failed = IMAGES.sections(image, state(), OSError("no such image"))[1]
    assert "no such image" in failed.lines[0]
    assert fields(IMAGES, DANGLING)["tags"] == "<none> (dangling)"


def test_force_is_offered_only_where_it_helps():
    from genet_kivy.kinds.images import force_helps

    assert force_helps("conflict: unable to delete 1a (must be forced) - image is being used "
                       "by stopped container c3")
    assert force_helps("conflict: unable to delete 1a (must be forced) - image is referenced "
                       "in multiple repositories")
    assert not force_helps("conflict: unable to delete 1a (cannot be forced) - image is being "
                           "used by running container a1")
    assert not force_helps("No such image: nginx:9")


def test_layer_text_shortens_the_step():
    from genet_rx.model.images import ImageLayer

    long = ImageLayer("<missing>", 0, "/bin/sh -c " + "x" * 300, 5_000_000)
    text = layer_text(long)
    assert text.startswith("   5.0 MB") and text.endswith("…") and len(text) < 140


def test_image_verbs_send_remove_force_and_prunes():
    image = IMAGES.table(state()).get(NGINX)
    verbs = IMAGES.verbs
    assert verbs["remove"].make(image) == RemoveImage(NGINX)
    assert verbs["remove"].force(image) == RemoveImage(NGINX, force=True)
    refused = verbs["remove"].refused(image, "conflict: image is being used")
    assert "conflict: image is being used" in refused.text and refused.yes == "Force remove"
    assert verbs["prune_dangling"].make(None) == PruneImages(unused=False)
    assert verbs["prune_unused"].make(None) == PruneImages(unused=True)
    assert verbs["prune_dangling"].done(None, "1 image deleted · 54.8 MB reclaimed") == (
        "Pruned: 1 image deleted · 54.8 MB reclaimed.")
    assert verbs["remove"].ask(image).title == "Remove nginx:1.27?"
    assert {a.id for a in IMAGES.actions(image, state())} == {"run", "remove"}
    assert IMAGES.hooks == {"pull": "open_pull", "run": "open_run"}
    assert {v for v, _ in IMAGES.choices["prune"][1]} == {"prune_dangling", "prune_unused"}


# -- volumes -----------------------------------------------------------------------------


def test_volume_rows_users_and_anonymous_names():
    rows = present(VOLUMES, state())
    assert titles(rows) == ["9f9f9f9f9f9f", "cache-data", "shop_db-data"]
    assert rows[2]["subtitle"] == "local · 1 container" and rows[2]["badge"] == "in use"
    assert rows[0]["subtitle"] == "local · unused" and rows[0]["badge"] == ""
    assert short_name(VOLUMES.table(state()).get("9f" * 32)) == "9f9f9f9f9f9f"


def test_volume_detail_and_actions():
    f = fields(VOLUMES, "shop_db-data")
    assert f["driver"] == "local" and f["mountpoint"].endswith("shop_db-data/_data")
    assert f["used"] == "1 container" and f["labels"] == "com.docker.compose.project=shop"
    volume = VOLUMES.table(state()).get("shop_db-data")
    assert [link.title for link in VOLUMES.sections(volume, state(), None)[0].links] == ["db"]
    (remove,) = VOLUMES.actions(volume, state())
    assert remove.enabled and "In use by 1 container" in remove.reason
    assert VOLUMES.verbs["remove"].make(volume) == RemoveVolume("shop_db-data")
    assert VOLUMES.verbs["prune"].make(None) == PruneVolumes()
    assert VOLUMES.hooks == {"create": "open_create_volume"}
    unused = VOLUMES.table(state()).get("9f" * 32)
    assert VOLUMES.actions(unused, state())[0].reason == ""


# -- networks ----------------------------------------------------------------------------


def test_network_rows_builtins_first_then_by_name():
    rows = present(NETWORKS, state())
    assert titles(rows) == ["bridge", "host", "none", "lab", "shop_default"]
    shop = rows[-1]
    assert shop["subtitle"] == "bridge · local · 172.20.0.0/16 · 2 containers"
    assert rows[0]["badge"] == "built-in"


def test_network_members_with_addresses_and_disconnect():
    network = NETWORKS.table(state()).get(SHOP)
    (members,) = NETWORKS.sections(network, state(), None)
    assert [(m.title, m.detail, m.action) for m in members.links] == [
        ("db", "172.20.0.2 · running", "disconnect"),
        ("web", "172.20.0.3 · running", "disconnect"),
    ]
    f = fields(NETWORKS, SHOP)
    assert f["subnets"] == "172.20.0.0/16 via 172.20.0.1" and f["flags"] == "attachable"
    assert fields(NETWORKS, EMPTY_NET)["subnets"] == "10.9.0.0/24"
    from genet_kivy.kinds import networks as nets

    assert nets.connect(network, "d4" * 32) == ConnectNetwork(SHOP, "d4" * 32)
    assert nets.disconnect(network, "b2" * 32) == DisconnectNetwork(SHOP, "b2" * 32)
    assert [c.name for c in nets.candidates(network, state())] == ["cache", "probe"]


@pytest.mark.parametrize("name", ["bridge", "host", "none"])
def test_a_builtin_network_cannot_be_removed(name):
    network = next(n for n in networks().rows.values() if n.name == name)
    remove = next(a for a in NETWORKS.actions(network, state()) if a.id == "remove")
    assert not remove.enabled and "Built-in network" in remove.reason


def test_a_user_network_can_be_removed():
    network = NETWORKS.table(state()).get(EMPTY_NET)
    remove = next(a for a in NETWORKS.actions(network, state()) if a.id == "remove")
    assert remove.enabled and remove.reason == ""
    assert NETWORKS.verbs["remove"].make(network) == RemoveNetwork(EMPTY_NET)
    stopped_member = NETWORKS.table(state()).get(BRIDGE)
    assert [m.title for m in NETWORKS.sections(stopped_member, state(), None)[0].links] == [
        "cache"]


# -- shared ------------------------------------------------------------------------------


def test_counts_wait_for_the_first_list():
    assert count_text(Table()) == "\u2013"
    assert count_text(Table(synced=True)) == "0"
    assert count_text(images()) == "5"


def test_empty_texts():
    empty = EngineState()
    assert empty_text(IMAGES, empty, "", False) == "No images to show yet."
    assert empty_text(VOLUMES, empty, "", True).startswith("No volumes.")
    assert matches("Nginx:1.27", "nginx 1.27") and not matches("nginx", "redis")


def test_selection_marks_one_row():
    rows = present(NETWORKS, state(), selected=SHOP)
    assert [r["title"] for r in rows if r["selected"]] == ["shop_default"]


def test_disk_usage_rows_and_totals():
    rows = usage_rows(usage())
    assert [r.kind for r in rows] == ["Images", "Containers", "Local volumes", "Build cache"]
    assert rows[0].count == "5 (4 in use)" and rows[0].size == "799.8 MB"
    assert rows[0].reclaimable == "54.8 MB (7%)"
    assert reclaim_text(Usage()) == "0 B"
    assert total_text(usage()) == "2.0 GB in all · 54.8 MB reclaimable"


def test_specs_accept_odd_values():
    odd_image = Image("sha256:" + "0" * 64)
    odd_network = Network("n" * 64)
    s = EngineState(images=Table(), networks=Table())
    assert IMAGES.line(odd_image, s).title == "<none>"
    assert NETWORKS.line(odd_network, s).title == "nnnnnnnnnnnn"
    assert IMAGES.fields(odd_image, s, NOW)[0].value == "<none> (dangling)"
