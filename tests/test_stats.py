"""Stats: the Docker CLI's formulas on recorded and hand-written samples, and odd records."""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dockerd import IMAGE
from engine_helpers import wait_for
from hypothesis import given
from hypothesis import strategies as st

from genet_rx.api.client import EngineClient
from genet_rx.api.stats import stats
from genet_rx.errors import NotFound
from genet_rx.model.stats import Stats, StatsDecodeError, decode_stats_line, parse_stats

DATA = Path(__file__).parent / "data"
REAL_V1 = sorted(p.name for p in DATA.glob("stats_real_v1_*.json"))


def load(name: str) -> dict[str, Any]:
    record = json.loads((DATA / name).read_text())
    assert isinstance(record, dict)
    return record


def epoch_ns(*utc: int) -> int:
    return int(datetime(*utc, tzinfo=UTC).timestamp()) * 1_000_000_000


def test_samples_are_there() -> None:
    # Recorded from a private dockerd 20.10 (this host runs cgroup v1), plus two by hand.
    assert len(REAL_V1) >= 3
    assert (DATA / "stats_hand_v1.json").exists()
    assert (DATA / "stats_hand_v2.json").exists()


def test_hand_v1_sample() -> None:
    """cgroup v1 shape: percpu_usage and no online_cpus, total_inactive_file, Read/Write ops."""
    r = load("stats_hand_v1.json")
    s = parse_stats(r)
    cpu, pre = r["cpu_stats"], r["precpu_stats"]
    assert "online_cpus" not in cpu
    cpus = len(cpu["cpu_usage"]["percpu_usage"])
    d_total = cpu["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    d_system = cpu["system_cpu_usage"] - pre["system_cpu_usage"]
    assert s.online_cpus == cpus == 4
    assert s.cpu_percent == pytest.approx(d_total / d_system * cpus * 100)
    assert s.cpu_percent == pytest.approx(100.0)  # 1 s of CPU over 4 s of 4 CPUs' time

    mem = r["memory_stats"]
    # v1: total_inactive_file (hierarchical) wins over inactive_file (this cgroup only).
    used = mem["usage"] - mem["stats"]["total_inactive_file"]
    assert s.mem_used == used == 110 * 1024 * 1024
    assert s.mem_limit == mem["limit"]
    assert s.mem_percent == pytest.approx(used / mem["limit"] * 100)

    nets = r["networks"].values()
    assert s.net_rx == sum(n["rx_bytes"] for n in nets) == 1_504_321
    assert s.net_tx == sum(n["tx_bytes"] for n in nets) == 251_234

    entries = r["blkio_stats"]["io_service_bytes_recursive"]
    assert s.block_read == sum(e["value"] for e in entries if e["op"] == "Read") == 4_108_288
    assert s.block_write == sum(e["value"] for e in entries if e["op"] == "Write") == 1_069_056
    assert s.pids == r["pids_stats"]["current"] == 7
    assert s.read_time_ns == epoch_ns(2026, 11, 28, 23, 30, 1) + 500_000_000


def test_hand_v2_sample() -> None:
    """cgroup v2 shape: online_cpus and no percpu_usage, inactive_file, lowercase ops."""
    r = load("stats_hand_v2.json")
    s = parse_stats(r)
    cpu, pre = r["cpu_stats"], r["precpu_stats"]
    assert "percpu_usage" not in cpu["cpu_usage"]
    d_total = cpu["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    d_system = cpu["system_cpu_usage"] - pre["system_cpu_usage"]
    assert s.online_cpus == cpu["online_cpus"] == 8
    assert s.cpu_percent == pytest.approx(d_total / d_system * 8 * 100)
    assert s.cpu_percent == pytest.approx(50.0)

    mem = r["memory_stats"]
    used = mem["usage"] - mem["stats"]["inactive_file"]
    assert s.mem_used == used == 42 * 1024 * 1024
    assert s.mem_percent == pytest.approx(used / mem["limit"] * 100)

    assert s.net_rx == r["networks"]["eth0"]["rx_bytes"]
    assert s.net_tx == r["networks"]["eth0"]["tx_bytes"]
    entries = r["blkio_stats"]["io_service_bytes_recursive"]
    assert s.block_read == sum(e["value"] for e in entries if e["op"] == "read") == 7 << 20
    assert s.block_write == sum(e["value"] for e in entries if e["op"] == "write") == 3 << 20
    assert s.pids == 3
    assert s.read_time_ns == epoch_ns(2026, 11, 28, 23, 31, 10) + 123_456_789


def reference(r: dict[str, Any]) -> tuple[float, int, float, int, int, int]:
    """The CLI's arithmetic written out plainly, for the recorded samples."""
    cpu, pre = r["cpu_stats"], r["precpu_stats"]
    d_total = cpu["cpu_usage"]["total_usage"] - pre.get("cpu_usage", {}).get("total_usage", 0)
    d_system = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    cpus = cpu.get("online_cpus") or len(cpu["cpu_usage"].get("percpu_usage") or [])
    has_previous = pre.get("system_cpu_usage", 0) > 0
    cpu_pct = d_total / d_system * cpus * 100 if d_total > 0 and d_system > 0 else 0.0
    if not has_previous:
        cpu_pct = 0.0
    mem = r["memory_stats"]
    used = mem["usage"]
    if "total_inactive_file" in mem["stats"] and mem["stats"]["total_inactive_file"] < used:
        used -= mem["stats"]["total_inactive_file"]
    elif mem["stats"].get("inactive_file", 0) < used:
        used -= mem["stats"].get("inactive_file", 0)
    mem_pct = used / mem["limit"] * 100 if mem["limit"] else 0.0
    nets = (r.get("networks") or {}).values()
    rx = sum(n["rx_bytes"] for n in nets)
    tx = sum(n["tx_bytes"] for n in nets)
    return cpu_pct, used, mem_pct, rx, tx, cpus


@pytest.mark.parametrize("name", REAL_V1)
def test_real_v1_samples_match_the_cli_arithmetic(name: str) -> None:
    r = load(name)
    s = parse_stats(r)
    cpu_pct, used, mem_pct, rx, tx, cpus = reference(r)
    assert s.cpu_percent == pytest.approx(cpu_pct)
    assert s.mem_used == used
    assert s.mem_limit == r["memory_stats"]["limit"]
    assert s.mem_percent == pytest.approx(mem_pct)
    assert (s.net_rx, s.net_tx) == (rx, tx)
    assert s.online_cpus == cpus > 0
    assert s.pids == r["pids_stats"]["current"]
    assert s.read_time_ns is not None
    # The real daemon runs without a block-I/O-accounting disk: the list is empty.
    assert (s.block_read, s.block_write) == (0, 0)


def test_real_busy_idle_first() -> None:
    busy = parse_stats(load("stats_real_v1_busy.json"))  # sh -c 'yes > /dev/null'
    idle = parse_stats(load("stats_real_v1_idle.json"))  # sleep 300
    first = load("stats_real_v1_first.json")  # one-shot: precpu is empty
    assert busy.cpu_percent > 20
    assert idle.cpu_percent < 5
    assert "system_cpu_usage" not in first["precpu_stats"]
    # Deliberately not the CLI's one-frame lifetime average: no previous sample, no rate yet.
    assert parse_stats(first).cpu_percent == 0.0


def test_real_network_and_memory_limit() -> None:
    r = load("stats_real_v1_net_memlimit.json")  # --memory 256m on a user-defined network
    s = parse_stats(r)
    assert s.mem_limit == 256 * 1024 * 1024
    assert s.net_rx == r["networks"]["eth0"]["rx_bytes"] > 0
    assert s.net_tx == r["networks"]["eth0"]["tx_bytes"] > 0


def test_cpu_zero_when_a_delta_is_not_positive() -> None:
    base = load("stats_hand_v2.json")
    same_system = json.loads(json.dumps(base))
    same_system["precpu_stats"]["system_cpu_usage"] = base["cpu_stats"]["system_cpu_usage"]
    assert parse_stats(same_system).cpu_percent == 0.0
    backwards = json.loads(json.dumps(base))
    backwards["precpu_stats"]["cpu_usage"]["total_usage"] = 10**12
    assert parse_stats(backwards).cpu_percent == 0.0


def test_memory_rules() -> None:
    def mem(usage: int, limit: int, **stats: int) -> Stats:
        return parse_stats({"memory_stats": {"usage": usage, "limit": limit, "stats": stats}})

    assert mem(100, 0).mem_percent == 0.0  # no limit known
    assert mem(100, 400).mem_percent == 25.0
    assert mem(100, 400, total_inactive_file=30, inactive_file=10).mem_used == 70
    assert mem(100, 400, inactive_file=10).mem_used == 90
    # Not smaller than usage: not subtracted; v1 then falls through to inactive_file, as the CLI.
    assert mem(100, 400, total_inactive_file=100, inactive_file=10).mem_used == 90
    assert mem(100, 400, inactive_file=100).mem_used == 100
    assert mem(100, 400).mem_used == 100


def test_missing_and_odd_fields_give_zero() -> None:
    empty = parse_stats({})
    assert empty == Stats(0.0, 0, 0, 0.0, 0, 0, 0, 0, 0, None, 0)
    odd = parse_stats(
        {
            "read": "0001-01-01T00:00:00Z",  # a stopped container's zero time
            "cpu_stats": {"cpu_usage": None, "system_cpu_usage": "lots", "online_cpus": True},
            "precpu_stats": [],
            "memory_stats": {"usage": 1.5e3, "limit": None, "stats": None},
            "networks": {"eth0": None, "eth1": {"rx_bytes": "1"}, "lo": {"tx_bytes": 5}},
            "blkio_stats": {"io_service_bytes_recursive": None},
            "pids_stats": {"current": float("nan")},
        }
    )
    assert odd == Stats(0.0, 1500, 0, 0.0, 0, 5, 0, 0, 0, None, 0)
    blk = parse_stats(
        {
            "blkio_stats": {
                "io_service_bytes_recursive": [
                    {"op": "READ", "value": 1},
                    {"op": "rEaD", "value": 2},
                    {"op": "Write", "value": 4},
                    {"op": "Total", "value": 7},
                    {"op": None, "value": 100},
                    "junk",
                    {"value": 50},
                ]
            }
        }
    )
    assert (blk.block_read, blk.block_write) == (3, 4)


@pytest.mark.parametrize("record", [None, [], "x", 3, b"{}"])
def test_non_dict_is_a_decode_error(record: Any) -> None:
    with pytest.raises(StatsDecodeError):
        parse_stats(record)
    assert issubclass(StatsDecodeError, ValueError)


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*map(keys_of, value.values()))
    if isinstance(value, list):
        return set().union(*map(keys_of, value))
    return set()


# Every key the engine uses (taken from the samples), so random records hit the real paths.
KEYS = sorted(keys_of(load("stats_hand_v1.json")) | keys_of(load("stats_hand_v2.json")))
TOP = sorted(load("stats_hand_v1.json"))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(["", "Read"])
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(TOP), JSON))
def test_any_dict_decodes_without_raising(record: dict[str, Any]) -> None:
    s = parse_stats(record)
    assert math.isfinite(s.cpu_percent) and math.isfinite(s.mem_percent)


@given(st.dictionaries(st.sampled_from(TOP), JSON))
def test_a_line_decodes_as_parse_stats_says(record: dict[str, Any]) -> None:
    assert decode_stats_line(json.dumps(record).encode()) == parse_stats(record)


@pytest.mark.parametrize("name", [*REAL_V1, "stats_hand_v1.json", "stats_hand_v2.json"])
def test_a_recorded_line_decodes_as_parse_stats_says(name: str) -> None:
    line = (DATA / name).read_bytes()
    assert decode_stats_line(line) == parse_stats(json.loads(line))


@pytest.mark.parametrize("line", [b"[]", b"3", b'"x"', b"null"])
def test_a_line_not_an_object_is_a_decode_error(line: bytes) -> None:
    with pytest.raises(StatsDecodeError):
        decode_stats_line(line)


# -- against the private daemon ---------------------------------------------------------------


def sample(engine_url: str, cid: str, count: int = 3) -> list[Stats]:
    """The first ``count`` values of the stats Observable, then dispose it."""
    got: list[Stats] = []
    errors: list[Exception] = []
    sub = stats(EngineClient(engine_url), cid).subscribe(on_next=got.append, on_error=errors.append)
    try:
        wait_for(lambda: len(got) >= count or errors, timeout=30, what=f"{count} stats records")
    finally:
        sub.dispose()
    assert not errors, errors
    return got[:count]


@pytest.mark.engine
def test_engine_busy_and_idle(engine_url: str, docker: Any, unique_name: str) -> None:
    busy = docker.run_detached(
        "--memory", "64m", IMAGE, "sh", "-c", "yes > /dev/null", name=unique_name
    )
    idle = docker.run_detached(IMAGE, "sleep", "300", name=unique_name + "-idle")
    busy_stats = sample(engine_url, busy, 5)
    idle_stats = sample(engine_url, idle, 3)
    busy_cpu = [round(s.cpu_percent, 1) for s in busy_stats]
    idle_cpu = [round(s.cpu_percent, 1) for s in idle_stats]
    assert busy_cpu[0] == idle_cpu[0] == 0.0  # the first record has no previous sample
    # `yes` wants a whole CPU (100 %); on a loaded 2-CPU CI box it still gets well over 20 %.
    assert max(busy_cpu) > 20 and min(busy_cpu[1:]) > 5, busy_cpu
    assert max(idle_cpu) < 5, idle_cpu
    for s in busy_stats + idle_stats:
        assert s.online_cpus >= 1 and s.pids >= 1
        assert 0 < s.mem_used <= s.mem_limit and 0 < s.mem_percent <= 100
        assert s.read_time_ns is not None
    assert busy_stats[-1].mem_limit == 64 * 1024 * 1024
    times = [s.read_time_ns for s in busy_stats]
    assert times == sorted(times) and len(set(times)) == len(times)


@pytest.mark.engine
def test_engine_stats_stream_ends_when_the_container_stops(
    engine_url: str, docker: Any, unique_name: str
) -> None:
    cid = docker.run_detached(IMAGE, "sleep", "300", name=unique_name)
    got: list[Stats] = []
    done = threading.Event()
    stats(EngineClient(engine_url), cid).subscribe(on_next=got.append, on_completed=done.set)
    wait_for(lambda: got, what="a first stats record")
    docker("rm", "-f", cid)
    assert done.wait(20), "the stats Observable did not complete when the container went away"


@pytest.mark.engine
def test_engine_stats_of_no_such_container(engine_url: str) -> None:
    errors: list[Exception] = []
    stats(EngineClient(engine_url), "genet-no-such-container").subscribe(on_error=errors.append)
    wait_for(lambda: errors, what="an error")
    assert isinstance(errors[0], NotFound)
