"""The engines a person saved in Genet, in ``$XDG_CONFIG_HOME/genet/engines.json``.

Read and written by :mod:`genet_rx.config_file`: atomically, and a file that cannot be read as
engines is moved aside (``engines.json.corrupt-<time>``), never lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from genet_rx.config_file import config_path, read_json, write_json
from genet_rx.errors import GenetError


class SavedEnginesError(GenetError):
    """The saved engines file could not be read or written; the message names the file."""


class SavedEngine(Struct, frozen=True):
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
    return config_path("engines.json", env)


def load(path: Path) -> list[SavedEngine]:
    """The saved engines (none when the file does not exist yet)."""
    found = read_json(path, _engines, "a list of engines", "no saved engines",
                      SavedEnginesError)
    return found if found is not None else []


def save(path: Path, engines: Sequence[SavedEngine]) -> None:
    """Write the saved engines atomically (0600: hosts can name private machines)."""
    write_json(path, {"engines": [asdict(e) for e in engines]}, SavedEnginesError)


def _engines(doc: Any) -> list[SavedEngine]:
    return [_engine(entry) for entry in doc["engines"]]


def _engine(entry: object) -> SavedEngine:
    if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
        raise TypeError("an engine without a host")
    return SavedEngine(entry["host"], str(entry.get("name") or ""),
                       entry.get("enabled", True) is not False, str(entry.get("tls_dir") or ""))
