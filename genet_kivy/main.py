"""``genet``: the desktop app; ``genet watch …``: the terminal view (no Kivy imported).

Kivy reads the command line and configures itself when first imported, so this module
imports nothing of Kivy until the arguments are parsed, ``KIVY_NO_ARGS`` is set and the
window's size and mode are in ``Config``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence

USAGE = ("genet [--host URL|CONTEXT]… [--all-contexts] [--fullscreen] [--size WxH] [--scale X] "
         "[--kiosk] [--rotate DEG] [--osk] [--log-lines N] [--verbose]"
         "  |  genet watch …  |  genet install-desktop [--remove]")


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX]\s*(\d{2,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x800, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="genet",
        usage=USAGE,
        description="A live Docker desktop. `genet watch --help` for the terminal view.",
    )
    p.add_argument(
        "--host",
        metavar="URL",
        action="append",
        default=[],
        help="an engine URL or a docker context's name; repeat for several engines (default: "
        "DOCKER_HOST, the current docker context, then unix:///var/run/docker.sock, plus the "
        "engines saved on the Engines screen)",
    )
    p.add_argument("--all-contexts", action="store_true",
                   help="also every context in the docker CLI's store")
    p.add_argument("--fullscreen", action="store_true", help="fill the screen (kiosk, panels)")
    p.add_argument("--size", type=_size, metavar="WxH", help="window size in pixels, e.g. 800x480")
    p.add_argument(
        "--scale",
        type=_scale,
        metavar="X",
        help="size of text and controls for this run, e.g. 1.5 on a dense panel "
        "(default: the Settings screen's UI scale, else 1)",
    )
    p.add_argument(
        "--kiosk",
        action="store_true",
        help="a touch panel's kiosk: the whole screen at the display's size, Esc and closing "
        "the window ask before leaving, the on-screen keyboard on (unless a keyboard is "
        "plugged in)",
    )
    p.add_argument(
        "--rotate",
        type=int,
        choices=(0, 90, 180, 270),
        default=0,
        metavar="DEG",
        help="turn the app 0, 90, 180 or 270 degrees, for a panel the display does not "
        "rotate itself (default 0: as the display shows it)",
    )
    p.add_argument(
        "--osk",
        action="store_true",
        help="an on-screen keyboard for every text field (for screens with no keyboard)",
    )
    p.add_argument(
        "--log-lines",
        type=_positive,
        metavar="N",
        help="log lines the Logs tab keeps (the newest N; default: the Settings screen's, "
        "else 10000)",
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="print Kivy's start-up log (quiet by default: only what needs doing is said)",
    )
    return p


def display_problem(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """One actionable line when there is no display to open a window on (None when there
    is one, or when Kivy is told which window provider to use: a panel's kms, egl_rpi…)."""
    if not platform.startswith("linux"):
        return None
    if any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "KIVY_WINDOW",
                                "SDL_VIDEODRIVER")):
        return None
    return ("genet: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset): "
            "start it in a desktop session, or use `genet watch` in a terminal")


def _scale(text: str) -> float:
    low, high = 0.5, 3.0
    try:
        x = float(text)
    except ValueError:
        x = 0.0
    if not low <= x <= high:
        raise argparse.ArgumentTypeError(f"expected a scale from {low:g} to {high:g}, got {text!r}")
    return x


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of lines, got {text!r}")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["watch"]:
        from genet_rx.cli.watch import main as watch_main

        return watch_main(args[1:])
    if args[:1] == ["install-desktop"]:
        from .desktop import main as desktop_main

        return desktop_main(args[1:])
    opts = parser().parse_args(args)
    problem = display_problem(os.environ)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2

    from genet_rx.engine.engines import open_chosen
    from genet_rx.errors import GenetError

    try:
        engines = open_chosen(opts.host, opts.all_contexts)
    except GenetError as exc:  # a bad --host or context, a saved engines file at fault
        print(f"genet: {exc}", file=sys.stderr)
        return 2
    try:
        return run_app(engines, fullscreen=opts.fullscreen, size=opts.size,
                       log_lines=opts.log_lines, verbose=opts.verbose, kiosk=opts.kiosk,
                       rotate=opts.rotate, osk=opts.osk, scale=opts.scale)
    except KeyboardInterrupt:
        return 130  # Ctrl-C in the terminal that started it: a normal way to quit
    finally:
        engines.close()


def run_app(
    engine: object,
    *,
    fullscreen: bool = False,
    size: tuple[int, int] | None = None,
    log_lines: int | None = None,
    verbose: bool = False,
    kiosk: bool = False,
    rotate: int = 0,
    osk: bool = False,
    scale: float | None = None,
) -> int:
    """Configure Kivy, then run the app on ``engine`` (one, or an Engines) until its window
    closes.

    The window opens at ``size``, else at the size it had when Genet last closed (not in
    full screen nor in a kiosk); ``scale`` overrides the saved UI scale for this run.
    """
    from genet_rx.settings import SettingsStore, settings_file

    from .preferences import prefs_from, start_size

    store = SettingsStore(settings_file())
    size = start_size(prefs_from(store.load()), size, fullscreen or kiosk)
    configure(fullscreen=fullscreen, size=size, verbose=verbose, kiosk=kiosk, rotate=rotate)
    from .app import GenetApp
    from .osk import osk_wanted, read_devices

    keyboard = osk_wanted(osk, kiosk, read_devices() if kiosk and not osk else "")
    GenetApp(engine, log_lines=log_lines, settings=store, scale=scale, osk=keyboard,
             kiosk=kiosk).run()
    return 0


def configure(
    *,
    fullscreen: bool = False,
    size: tuple[int, int] | None = None,
    verbose: bool = False,
    kiosk: bool = False,
    rotate: int = 0,
) -> None:
    """Kivy's settings for the window, before Kivy makes it.

    Quiet unless ``verbose``: Kivy's console log (about 80 lines, with a traceback and a
    CRITICAL line when xclip, xsel or mtdev are absent, though copy and paste work through
    SDL2 all the same) stays in its log file under the Kivy home. A kiosk fills the screen
    at the display's own size (``fullscreen = auto``; ``--size`` does not apply) with no
    window border, turned ``rotate`` degrees.

    The cyclic GC is off from here until the app has painted its first table and frozen what
    start-up built (``GenetApp._freeze``): Kivy's and Genet's imports, the kv rules and the
    widgets make hundreds of thousands of objects, none of them garbage, and every collection
    they trigger walks them all (bench item 6, launch → first paint).
    """
    from genet_rx.engine.gc_pause import start_up

    start_up.take()
    os.environ["KIVY_NO_ARGS"] = "1"
    if not verbose:
        os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    from kivy.config import Config

    if size is not None:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    if fullscreen or kiosk:
        Config.set("graphics", "fullscreen", "auto")
    if kiosk:
        Config.set("graphics", "borderless", "1")
    Config.set("graphics", "rotation", str(rotate))
    # No multisampling (Kivy asks for 2 samples, Mesa gives 4): with software GL (llvmpipe:
    # Xvfb, a kiosk without a GPU driver) a 4-sample framebuffer is cleared, shaded and
    # resolved at 4x, ~3x the CPU of a repaint (1280x800, 1,000 containers: ~53 -> ~18 ms of
    # llvmpipe a repaint). Genet draws axis-aligned rectangles and text, which multisampling
    # leaves as they are; only its few curves (round corners, dots) had their edges smoothed.
    Config.set("graphics", "multisamples", "0")
    # Touch first: no red multitouch-simulation dots on right click; Escape does not quit.
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    Config.set("kivy", "exit_on_escape", "0")


if __name__ == "__main__":
    sys.exit(main())
