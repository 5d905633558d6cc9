"""Which shape a logs or attach body has: multiplexed frames or a terminal's raw bytes."""

from __future__ import annotations

from typing import Final

from genet_rx.model.common import parse_version

MULTIPLEXED_CONTENT_TYPE: Final = "application/vnd.docker.multiplexed-stream"
RAW_CONTENT_TYPE: Final = "application/vnd.docker.raw-stream"


def is_multiplexed(api_version: str, content_type: str | None, tty: bool) -> bool:
    """Whether a logs/attach body is multiplexed frames (True) or raw TTY bytes (False).

    From API 1.42 the response's Content-Type says which; below 1.42 (or when the header is
    missing or unknown, or the version unreadable) the container's ``Config.Tty`` decides:
    a TTY container's output is raw.
    """
    if _version(api_version) >= (1, 42) and content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media == MULTIPLEXED_CONTENT_TYPE:
            return True
        if media == RAW_CONTENT_TYPE:
            return False
    return not tty


def _version(text: str) -> tuple[int, int]:
    try:
        return parse_version(text.strip().lstrip("vV"))
    except ValueError:
        return (0, 0)  # unreadable: let the container's Tty decide
