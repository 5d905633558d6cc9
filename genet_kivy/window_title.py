"""The window's title: which engines this window shows (in the task bar too)."""

from __future__ import annotations

from typing import Any


def engine_names(engines: Any) -> list[str]:
    """Each engine as named (``--host`` as given, a context's name), or its host."""
    return [name or str(getattr(e, "host", "")) for name, e in engines.items()]


def window_title(names: list[str]) -> str:
    """``Genet — <engine>`` (``Genet — 3 engines`` for more than one): which engines this
    window shows, in the task bar too."""
    if len(names) > 1:
        return f"Genet — {len(names)} engines"
    return f"Genet — {names[0]}" if names and names[0] else "Genet"
