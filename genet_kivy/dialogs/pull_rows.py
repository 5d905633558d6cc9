"""What a pull looks like, as text: pure functions from PullProgress values to labels and rows.

No Kivy here: the pull dialog and the task indicator show what these return, and tests check
them without a window.
"""

from __future__ import annotations

from genet_rx.model.pull import Layer, LayerPhase, PullProgress

_MB = 1_000_000


def megabytes(count: int) -> str:
    """Bytes in MB as the docker CLI counts them (10^6), one decimal: ``12.3 MB``."""
    return f"{count / _MB:.1f} MB"


def percent(fraction: float | None) -> str:
    """``43%`` for 0.43 (never 100% before the end); ``""`` when the fraction is unknown."""
    if fraction is None:
        return ""
    whole = int(max(0.0, min(1.0, fraction)) * 100)
    return f"{whole}%"


def layer_line(layer: Layer) -> str:
    """A layer's short id and where it is: ``a1b2c3d4e5f6  downloading 1.2 MB of 3.4 MB``."""
    return f"{layer.id[:12]}  {layer_state(layer)}"


def layer_state(layer: Layer) -> str:
    """Where a layer is, in words."""
    phase = layer.phase
    if phase is LayerPhase.WAITING:
        return "waiting"
    if phase is LayerPhase.DOWNLOADING:
        if layer.total:
            return f"downloading {megabytes(layer.current)} of {megabytes(layer.total)}"
        return f"downloading {megabytes(layer.current)}"
    if phase is LayerPhase.VERIFYING:
        return "verifying"
    if phase is LayerPhase.DOWNLOADED:
        return "downloaded, waiting to extract"
    if phase is LayerPhase.EXTRACTING:
        if layer.total:
            return f"extracting {megabytes(layer.extracted)} of {megabytes(layer.total)}"
        return "extracting"
    if phase is LayerPhase.DONE:
        return "done"
    return "already exists"


def layer_lines(progress: PullProgress) -> list[str]:
    """One line per layer, in the order the engine listed them."""
    return [layer_line(layer) for layer in progress.layers]


def bytes_line(progress: PullProgress) -> str:
    """The aggregate: bytes done of bytes known, and whether the total may still grow."""
    if progress.finished:
        known = progress.known_bytes
        return f"{megabytes(known)} downloaded" if known else "Nothing to download"
    if not progress.layers:
        return "Asking the registry…"
    known = progress.known_bytes
    if not known:
        return f"{len(progress.layers)} layers · sizes not known yet"
    line = f"{megabytes(progress.done_bytes)} of {megabytes(known)}"
    if progress.total_may_grow:
        line += " (so far: the total may still grow)"
    return line


def task_label(progress: PullProgress) -> str:
    """The task indicator's words for a running pull: ``Pulling busybox 43%``."""
    shown = percent(progress.fraction)
    return f"Pulling {progress.reference} {shown}".rstrip()


def error_text(error: BaseException) -> str:
    """A failure in plain words: the engine's or registry's own message when it has one."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    text = str(error)
    return text or type(error).__name__
