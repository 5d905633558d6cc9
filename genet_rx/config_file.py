"""Genet's own files under ``$XDG_CONFIG_HOME/genet``: read as JSON, written atomically.

One helper for every such file (the saved engines, the settings). A write goes to a temporary
file in the same folder, then a rename, so a crash mid-write never leaves half a file (mode
0600: the files can name private machines). A file that cannot be read as what it should hold
is never overwritten and never lost: it is moved aside (``<name>.corrupt-<time>``) and the
error says where it went.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from genet_rx.errors import GenetError

T = TypeVar("T")


def config_path(name: str, env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/genet/<name>`` (``~/.config`` when the variable is unset)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "genet" / name


def read_json(path: Path, parse: Callable[[Any], T], what: str, instead: str,
              error: type[GenetError]) -> T | None:
    """``parse`` of the file's JSON document; None when the file does not exist yet.

    ``parse`` raises ValueError, KeyError or TypeError on a document that is not ``what``
    (e.g. "a list of engines"): the file is then moved aside and ``error`` says where, and
    that Genet starts with ``instead``. A file that cannot be read raises ``error`` as it is.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {type(exc).__name__}") from None
    try:
        return parse(json.loads(text))
    except (ValueError, RecursionError, KeyError, TypeError) as exc:
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.rename(aside)
        except OSError:
            raise error(f"{path} is not {what} ({type(exc).__name__}) "
                        "and could not be moved aside") from None
        raise error(f"{path} is not {what} ({type(exc).__name__}); it was kept as "
                    f"{aside} and Genet starts with {instead}") from None


def write_json(path: Path, doc: Any, error: type[GenetError]) -> None:
    """Write ``doc`` as indented JSON atomically (0600); ``error`` when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(doc, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise error(f"cannot write {path}: {exc.strerror or exc}") from None
