"""The `genet` command: argument handling, `genet watch` without Kivy, a clean exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from genet_kivy.main import _size, parser

ROOT = Path(__file__).resolve().parents[2]


def run_py(code: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "KIVY_NO_CONSOLELOG": "1", **env},
        check=False,
    )


def test_size_parses_w_x_h():
    assert _size("800x480") == (800, 480)
    assert _size(" 1920X1080 ") == (1920, 1080)
    for bad in ("800", "x480", "800x", "big", "8x4"):
        with pytest.raises(Exception):  # noqa: B017 - argparse's ArgumentTypeError
            _size(bad)


def test_options():
    opts = parser().parse_args(["--host", "unix:///x.sock", "--fullscreen", "--size", "800x480"])
    assert (opts.host, opts.fullscreen, opts.size) == (["unix:///x.sock"], True, (800, 480))
    assert opts.log_lines is None  # the Settings screen's bound, else 10,000
    assert parser().parse_args(["--log-lines", "500"]).log_lines == 500
    with pytest.raises(SystemExit):
        parser().parse_args(["--log-lines", "0"])


def test_kiosk_rotate_and_osk_options():
    opts = parser().parse_args(["--kiosk", "--rotate", "90", "--osk"])
    assert (opts.kiosk, opts.rotate, opts.osk) == (True, 90, True)
    plain = parser().parse_args([])
    assert (plain.kiosk, plain.rotate, plain.osk) == (False, 0, False)
    with pytest.raises(SystemExit):
        parser().parse_args(["--rotate", "45"])


def test_importing_the_package_and_main_does_not_import_kivy():
    done = run_py(
        """
        import sys, genet_kivy, genet_kivy.main, genet_kivy.presenters, genet_kivy.actions
        import genet_kivy.log_rows, genet_kivy.history, genet_kivy.inspect_doc
        import genet_kivy.batching, genet_kivy.row_stats
        print(sorted(m for m in sys.modules if m == "kivy" or m.startswith("kivy.")))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_watch_is_delegated_without_kivy():
    done = run_py(
        """
        import sys
        from unittest import mock
        import genet_rx.cli.watch
        seen = {}
        def fake(argv):
            seen["argv"] = argv
            seen["kivy"] = any(m == "kivy" or m.startswith("kivy.") for m in sys.modules)
            return 7
        with mock.patch.object(genet_rx.cli.watch, "main", fake):
            from genet_kivy.main import main
            code = main(["watch", "--json", "--host", "unix:///x.sock"])
        print(code, seen["argv"], seen["kivy"])
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7 ['--json', '--host', 'unix:///x.sock'] False"


def test_a_bad_host_prints_one_line_and_exits_2():
    done = run_py(
        "import sys; from genet_kivy.main import main; sys.exit(main(['--host', 'ftp://nope']))"
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("genet: "), done.stderr
    assert "kivy" not in done.stderr.lower()


def test_a_bad_size_is_a_usage_error():
    done = run_py("import sys; from genet_kivy.main import main; sys.exit(main(['--size', 'big']))")
    assert done.returncode == 2
    assert "WIDTHxHEIGHT" in done.stderr


@pytest.mark.ui
def test_the_app_starts_without_an_engine_and_exits_cleanly(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    shot = tmp_path / "startup.png"
    done = run_py(
        f"""
        import sys, threading
        from kivy.clock import Clock  # the window is not made until main() configured it
        def finish(_dt):
            from kivy.app import App
            from kivy.base import EventLoop
            EventLoop.window.screenshot({str(shot)!r})
            App.get_running_app().stop()
        Clock.schedule_once(finish, 2.5)
        from genet_kivy.main import main
        code = main(["--host", "unix://{tmp_path}/no-such.sock", "--size", "800x480"])
        alive = [t.name for t in threading.enumerate()
                 if t is not threading.main_thread() and not t.daemon]
        print("EXIT", code, alive)
        sys.exit(code)
        """,
        timeout=90,
        KIVY_HOME=str(tmp_path / "kivy-home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "EXIT 0 []" in done.stdout
    shots = list(tmp_path.glob("startup*.png"))
    assert shots
    assert shots[0].stat().st_size > 1000


@pytest.mark.ui
def test_the_window_has_no_multisample_buffer(tmp_path):
    """A 4-sample framebuffer triples a repaint's CPU under software GL (genet_kivy.main)."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    done = run_py(
        f"""
        from kivy.clock import Clock  # the window is not made until main() configured it
        def finish(_dt):
            from kivy.app import App
            from kivy.graphics.opengl import GL_SAMPLES, glGetIntegerv
            print("SAMPLES", list(glGetIntegerv(GL_SAMPLES)))
            App.get_running_app().stop()
        Clock.schedule_once(finish, 0.5)
        from genet_kivy.main import main
        main(["--host", "unix://{tmp_path}/no-such.sock", "--size", "800x480"])
        """,
        timeout=90,
        KIVY_HOME=str(tmp_path / "kivy-home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SAMPLES [0]" in done.stdout


@pytest.mark.ui
def test_start_up_is_quiet_by_default(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    env = {k: v for k, v in os.environ.items() if k != "KIVY_NO_CONSOLELOG"}
    env["KIVY_HOME"] = str(tmp_path / "kivy-home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, threading, time
            def running():  # the app, once main() has imported Kivy and started it
                app = getattr(sys.modules.get("kivy.app"), "App", None)
                return app.get_running_app() if app is not None else None
            def stop():  # this thread must not import Kivy before main() configures it (the
                # console log would be on): it waits for the app, then stops it 3 s later
                while running() is None:
                    time.sleep(0.1)
                from kivy.clock import Clock
                Clock.schedule_once(lambda _dt: running().stop(), 3)
            threading.Thread(target=stop, daemon=True).start()
            from genet_kivy.main import main
            sys.exit(main(["--host", "unix://{tmp_path}/no-such.sock", "--size", "800x480"]))
        """)],
        capture_output=True, text=True, timeout=90, cwd=ROOT, env=env, check=False,
    )
    said = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [line for line in said if "Traceback" in line or "CRITICAL" in line]
    assert len(said) <= 1, said


def test_verbose_is_an_option():
    assert parser().parse_args(["--verbose"]).verbose is True
    assert parser().parse_args([]).verbose is False


def test_no_display_is_said_in_one_line():
    from genet_kivy.main import display_problem

    assert "no display" in display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"KIVY_WINDOW": "egl_rpi"}, "linux") is None


def test_scale_is_an_option_within_reason():
    assert parser().parse_args(["--scale", "1.5"]).scale == 1.5
    assert parser().parse_args([]).scale is None
    for bad in ("0", "huge", "9"):
        with pytest.raises(SystemExit):
            parser().parse_args(["--scale", bad])


@pytest.mark.ui
def test_the_window_reopens_at_the_size_it_had_when_it_closed(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_py(
            f"""
            import sys
            from kivy.clock import Clock
            def finish(_dt):
                from kivy.app import App
                from kivy.core.window import Window
                print("SIZE", tuple(Window.size), "TITLE", App.get_running_app().title)
                App.get_running_app().stop()
            Clock.schedule_once(finish, 2.0)
            from genet_kivy.main import main
            sys.exit(main(["--host", "unix://{tmp_path}/no-such.sock", *{list(args)!r}]))
            """,
            timeout=90,
            KIVY_HOME=str(tmp_path / "kivy-home"),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
        )

    first = run("--size", "900x560")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "SIZE (900, 560)" in first.stdout
    saved = json.loads((tmp_path / "config" / "genet" / "settings.json").read_text())
    assert saved["window"] == {"width": 900, "height": 560}
    again = run()
    assert again.returncode == 0, again.stderr[-3000:]
    assert "SIZE (900, 560)" in again.stdout
    assert f"TITLE Genet — unix://{tmp_path}/no-such.sock" in again.stdout
