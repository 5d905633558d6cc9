"""Pure presentation for the dialogs: pull rows and labels, the Tasks model (no Kivy)."""

from __future__ import annotations

import subprocess
import sys

from genet_kivy.dialogs.pull_rows import (
    bytes_line,
    error_text,
    layer_line,
    layer_lines,
    layer_state,
    megabytes,
    percent,
    task_label,
)
from genet_kivy.dialogs.tasks import Tasks
from genet_rx.errors import NotFound
from genet_rx.model.pull import Layer, LayerPhase, PullError, PullProgress, finish

MB = 1_000_000


def test_importing_the_pure_modules_does_not_import_kivy() -> None:
    code = ("import sys, genet_kivy.dialogs as d, genet_kivy.dialogs.pull_rows, "
            "genet_kivy.dialogs.run_form; d.Tasks(); d.DIALOG_KV; "
            "sys.exit('kivy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_megabytes_and_percent() -> None:
    assert megabytes(0) == "0.0 MB"
    assert megabytes(12_345_678) == "12.3 MB"
    assert percent(None) == ""
    assert percent(0.0) == "0%"
    assert percent(0.999) == "99%"  # never 100% before the end
    assert percent(1.0) == "100%"
    assert percent(1.7) == "100%" and percent(-1) == "0%"


def test_each_phase_in_words() -> None:
    words = {
        LayerPhase.WAITING: "waiting",
        LayerPhase.VERIFYING: "verifying",
        LayerPhase.DOWNLOADED: "downloaded, waiting to extract",
        LayerPhase.DONE: "done",
        LayerPhase.EXISTS: "already exists",
    }
    for phase, text in words.items():
        assert layer_state(Layer("x", phase)) == text


def test_downloading_and_extracting_show_their_counters() -> None:
    assert layer_state(Layer("x", LayerPhase.DOWNLOADING, 1_400_000, 4 * MB)) == (
        "downloading 1.4 MB of 4.0 MB")
    assert layer_state(Layer("x", LayerPhase.DOWNLOADING, 1_400_000)) == "downloading 1.4 MB"
    assert layer_state(Layer("x", LayerPhase.EXTRACTING, 2 * MB, 2 * MB, 500_000)) == (
        "extracting 0.5 MB of 2.0 MB")
    assert layer_state(Layer("x", LayerPhase.EXTRACTING)) == "extracting"


def test_a_layer_line_starts_with_its_short_id() -> None:
    line = layer_line(Layer("0123456789abcdef", LayerPhase.DONE))
    assert line == "0123456789ab  done"


def test_lines_follow_the_engines_order() -> None:
    progress = PullProgress("busybox", layers=(
        Layer("bbb", LayerPhase.DONE), Layer("aaa", LayerPhase.WAITING)))
    assert layer_lines(progress) == ["bbb  done", "aaa  waiting"]


def test_bytes_line_before_during_and_after() -> None:
    assert bytes_line(PullProgress("busybox")) == "Asking the registry…"
    unknown = PullProgress("busybox", layers=(Layer("a"), Layer("b")))
    assert bytes_line(unknown) == "2 layers · sizes not known yet"
    growing = PullProgress("busybox", layers=(
        Layer("a", LayerPhase.DOWNLOADING, MB, 4 * MB), Layer("b")))
    assert growing.total_may_grow
    assert bytes_line(growing) == "1.0 MB of 4.0 MB (so far: the total may still grow)"
    known = PullProgress("busybox", layers=(Layer("a", LayerPhase.DOWNLOADING, MB, 4 * MB),))
    assert bytes_line(known) == "1.0 MB of 4.0 MB"
    assert bytes_line(finish(known)) == "4.0 MB downloaded"
    assert bytes_line(finish(PullProgress("busybox", layers=(
        Layer("a", LayerPhase.EXISTS),)))) == "Nothing to download"


def test_task_label() -> None:
    assert task_label(PullProgress("busybox")) == "Pulling busybox"
    half = PullProgress("busybox", layers=(Layer("a", LayerPhase.DOWNLOADING, 430_000, MB),))
    assert task_label(half) == "Pulling busybox 43%"


def test_error_text_prefers_the_engines_words() -> None:
    assert error_text(NotFound(404, "manifest unknown")) == "manifest unknown"
    assert error_text(PullError("unexpected EOF")) == "unexpected EOF"
    assert error_text(OSError("socket closed")) == "socket closed"
    assert error_text(RuntimeError()) == "RuntimeError"


def test_tasks_start_update_finish_and_tell_listeners() -> None:
    tasks = Tasks()
    seen: list[str] = []
    stop = tasks.listen(lambda t: seen.append(t.summary()))
    assert seen == [""]
    tasks.start("a", "Pulling a")
    tasks.update("a", "Pulling a 10%", 0.1)
    tasks.update("a", "Pulling a 10%", 0.1)  # no change: no news
    tasks.start("b", "Pulling b")
    assert tasks.summary() == "Pulling a 10% · +1" and tasks.fraction() == 0.1
    tasks.finish("a")
    tasks.finish("a")  # gone already: no news
    assert tasks.summary() == "Pulling b" and tasks.fraction() is None
    assert seen == ["", "Pulling a", "Pulling a 10%", "Pulling a 10% · +1", "Pulling b"]
    stop()
    tasks.finish("b")
    assert len(seen) == 5 and tasks.running == ()


def test_an_update_for_an_unknown_task_is_ignored() -> None:
    tasks = Tasks()
    tasks.update("nope", "x", 0.5)
    assert tasks.running == () and tasks.get("nope") is None


def test_reopen_calls_the_oldest_tasks_callable() -> None:
    tasks = Tasks()
    assert not tasks.reopen()
    opened: list[str] = []
    tasks.start("a", "A", reopen=lambda: opened.append("a"))
    tasks.start("b", "B", reopen=lambda: opened.append("b"))
    assert tasks.reopen() and opened == ["a"]
    tasks.start("c", "C")
    tasks.finish("a")
    tasks.finish("b")
    assert not tasks.reopen()


def test_an_empty_tasks_is_still_truthy() -> None:
    # ``getattr(app, "tasks", None) or Tasks()`` must keep an app's empty Tasks.
    assert Tasks()
