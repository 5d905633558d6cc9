"""The person's settings, in ``$XDG_CONFIG_HOME/genet/settings.json``: sections by name.

The file is ``{"<section>": {"<key>": value, …}, …}`` — one section per part of the app
("alerts", …), each a flat JSON object. :class:`Settings` is a frozen value with typed
accessors that fall back to the caller's default when a key is missing or holds the wrong
type, so a hand-edited file never breaks the app. Read and written by
:mod:`genet_rx.config_file` (atomically; a corrupt file is moved aside, never lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from msgspec import Struct, field

from genet_rx.config_file import config_path, read_json, write_json
from genet_rx.errors import GenetError

Section = Mapping[str, Any]
_EMPTY: Section = MappingProxyType({})


class SettingsError(GenetError):
    """The settings file could not be read or written; the message names the file."""


class Settings(Struct, frozen=True):
    """Every section by name; missing sections read as empty."""

    sections: Mapping[str, Section] = field(default_factory=lambda: MappingProxyType({}))

    def section(self, name: str) -> Section:
        return self.sections.get(name, _EMPTY)

    def with_section(self, name: str, values: Mapping[str, Any]) -> Settings:
        """A copy with ``name`` replaced by ``values`` (other sections kept as they are)."""
        return Settings(MappingProxyType({**self.sections, name: MappingProxyType(dict(values))}))

    def get_bool(self, section: str, key: str, default: bool) -> bool:
        value = self.section(section).get(key)
        return value if isinstance(value, bool) else default

    def get_int(self, section: str, key: str, default: int) -> int:
        value = self.section(section).get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def get_float(self, section: str, key: str, default: float) -> float:
        """A number (an int in the file reads as a float too)."""
        value = self.section(section).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return default

    def get_str(self, section: str, key: str, default: str) -> str:
        value = self.section(section).get(key)
        return value if isinstance(value, str) else default

    def get_strs(self, section: str, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.section(section).get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return default

    def as_json(self) -> dict[str, dict[str, Any]]:
        return {name: dict(values) for name, values in self.sections.items()}


def settings_file(env: Mapping[str, str] | None = None) -> Path:
    return config_path("settings.json", env)


def load_settings(path: Path) -> Settings:
    """The saved settings (empty when the file does not exist yet); SettingsError when the
    file cannot be read, or was not settings (then it has been moved aside)."""
    found = read_json(path, _settings, "a settings file", "default settings", SettingsError)
    return found if found is not None else Settings()


def save_settings(path: Path, settings: Settings) -> None:
    write_json(path, settings.as_json(), SettingsError)


class SettingsStore:
    """One settings file and its latest value. ``problem`` holds the last error's words
    (a corrupt file, a failed write) for the app to show; the app goes on with defaults."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.settings = Settings()
        self.problem = ""

    def load(self) -> Settings:
        try:
            self.settings = load_settings(self.path)
        except SettingsError as exc:
            self.problem = str(exc)
            self.settings = Settings()
        return self.settings

    def save_section(self, name: str, values: Mapping[str, Any]) -> bool:
        """Replace one section and write the file; False (and ``problem``) if it failed."""
        self.settings = self.settings.with_section(name, values)
        try:
            save_settings(self.path, self.settings)
        except SettingsError as exc:
            self.problem = str(exc)
            return False
        return True


def _settings(doc: Any) -> Settings:
    if not isinstance(doc, dict):
        raise TypeError("settings are not an object")
    sections: dict[str, Section] = {}
    for name, values in doc.items():
        if not isinstance(values, dict):
            raise TypeError(f"section {name!r} is not an object")
        sections[str(name)] = MappingProxyType(dict(values))
    return Settings(MappingProxyType(sections))
