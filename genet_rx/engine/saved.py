"""The engines a person saved in Genet, in ``$XDG_CONFIG_HOME/genet/engines.json``.

Written atomically (a temporary file in the same folder, then a rename), so a crash mid-write
never leaves half a file. A file that cannot be read as engines is never overwritten and never
lost: it is moved aside (``engines.json.corrupt-<time>``) and the error says where it went.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from genet_rx.errors import GenetError


class SavedEnginesError(GenetError):
    """The saved engines file could not be read or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class SavedEngine:
    """One engine the person added: a URL or a docker context's name, whether it is on, and
    a folder of TLS files (``ca.pem``, ``cert.pem``, ``key.pem``) for a tcp engine."""

    host: str
    name: str = ""  # how the person calls it ("" : the host itself)
    enabled: bool = True
    tls_dir: str = ""

    @property
    def label(self) -> str:
        return self.name or self.host


def engines_file(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "genet" / "engines.json"


def load(path: Path) -> list[SavedEngine]:
    """The saved engines (none when the file does not exist yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise SavedEnginesError(f"cannot read {path}: {type(exc).__name__}") from None
    try:
        doc = json.loads(text)
        return [_engine(entry) for entry in doc["engines"]]
    except (ValueError, RecursionError, KeyError, TypeError) as exc:
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.rename(aside)
        except OSError:
            raise SavedEnginesError(f"{path} is not a list of engines ({type(exc).__name__}) "
                                    "and could not be moved aside") from None
        raise SavedEnginesError(
            f"{path} is not a list of engines ({type(exc).__name__}); it was kept as "
            f"{aside} and Genet starts with no saved engines") from None


def save(path: Path, engines: Sequence[SavedEngine]) -> None:
    """Write the saved engines atomically (0600: hosts can name private machines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"engines": [asdict(e) for e in engines]}, indent=2) + "\n"
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
        raise SavedEnginesError(f"cannot write {path}: {exc.strerror or exc}") from None


def _engine(entry: object) -> SavedEngine:
    if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
        raise TypeError("an engine without a host")
    return SavedEngine(entry["host"], str(entry.get("name") or ""),
                       entry.get("enabled", True) is not False, str(entry.get("tls_dir") or ""))
