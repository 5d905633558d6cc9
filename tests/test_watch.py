"""`genet watch` as a person runs it, against the fake engine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fake_engine import FakeEngine

from genet_rx.cli.watch import visible


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        yield f


def watch_lines(url: str, *args: str, until: bytes) -> bytes:
    """Run `genet watch` until a line holding ``until`` is out; its whole output so far."""
    proc = subprocess.Popen([sys.executable, "-m", "genet_rx.cli.watch", "--host", url, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = b""
    try:
        assert proc.stdout is not None
        while until not in out:
            line = proc.stdout.readline()
            if not line:
                break
            out += line
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def test_control_characters_in_names_never_reach_the_terminal(fake: FakeEngine) -> None:
    fake.add_container("evil\x1b[2J\x1b]0;owned\x07\rname", image="img\x1b[31m")
    out = watch_lines(fake.url, until=b"evil")
    assert b"\x1b" not in out
    assert b"\x07" not in out
    assert b"\r" not in out
    assert b"evil\\x1b[2J\\x1b]0;owned\\x07" in out  # shown, as escapes (name cut at 30)


def test_visible_keeps_printable_text_and_escapes_the_rest() -> None:
    assert visible("wéb-1 ok") == "wéb-1 ok"
    assert visible("a\x1bb") == "a\\x1bb"
    assert visible("\u202eevil") == "\\u202eevil"  # a right-to-left override


def test_kinds_narrows_what_watch_follows(fake: FakeEngine) -> None:
    fake.add_container("web")
    fake.add_object("volume", {"Name": "data", "Driver": "local"})
    out = watch_lines(fake.url, "--json", "--kinds", "volumes", until=b'"type": "volume"')
    assert b'"type": "volume"' in out
    assert b'"type": "container"' not in out


def test_an_unknown_kind_is_refused_with_the_choices() -> None:
    done = subprocess.run([sys.executable, "-m", "genet_rx.cli.watch", "--kinds", "pods"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "containers,images,volumes,networks" in done.stderr


def test_a_long_name_is_cut_with_an_ellipsis(fake: FakeEngine) -> None:
    name = "a-very-long-container-name-from-compose-1"
    fake.add_container(name, image="busybox")
    out = watch_lines(fake.url, until=b"a-very-long").decode()
    line = next(ln for ln in out.splitlines() if "a-very-long" in ln)
    assert f"{name[:29]}… " in line


def test_a_short_name_is_padded_and_never_cut() -> None:
    from genet_rx.cli.watch import cell

    assert cell("web", 6) == "web   "
    assert cell("abcdef", 6) == "abcdef"
    assert cell("abcdefg", 6) == "abcde…"
