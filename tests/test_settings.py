"""The settings store: sections by name, typed accessors, alert rules round trip, and a
corrupt file reported and kept aside (the same helper as the saved engines')."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from genet_rx.settings import (
    Settings,
    SettingsError,
    SettingsStore,
    load_settings,
    save_settings,
    settings_file,
)
from genet_rx.state.alerts import AlertKind, AlertRules, rules_from, rules_section


def test_the_file_lives_in_the_xdg_config_folder(tmp_path: Path) -> None:
    assert settings_file({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "genet" / "settings.json"


def test_alert_rules_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "genet" / "settings.json"
    rules = AlertRules(kinds=frozenset({AlertKind.OOM, AlertKind.DIED}), name_pattern="web-*",
                       label="tier=front", cooldown_ns=120 * 10**9)
    save_settings(path, Settings().with_section("alerts", rules_section(rules)))
    assert rules_from(load_settings(path)) == rules


def test_no_file_yet_is_default_rules(tmp_path: Path) -> None:
    assert rules_from(load_settings(tmp_path / "settings.json")) == AlertRules()


def test_saving_one_section_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"look": {"theme": "dark"}}))
    store = SettingsStore(path)
    store.load()
    assert store.save_section("alerts", {"label": "x"})
    assert json.loads(path.read_text()) == {"look": {"theme": "dark"}, "alerts": {"label": "x"}}


def test_a_value_of_the_wrong_type_reads_as_the_default() -> None:
    settings = Settings().with_section("alerts", {"cooldown_s": "soon", "kinds": [1, 2]})
    assert settings.get_int("alerts", "cooldown_s", 300) == 300
    assert settings.get_strs("alerts", "kinds", ("died",)) == ("died",)


def test_an_unknown_alert_kind_in_the_file_is_ignored() -> None:
    settings = Settings().with_section("alerts", {"kinds": ["oom", "exploded"]})
    assert rules_from(settings).kinds == frozenset({AlertKind.OOM})


def test_a_corrupt_settings_file_is_reported_and_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    with pytest.raises(SettingsError, match="it was kept as") as refused:
        load_settings(path)
    aside = [p for p in os.listdir(tmp_path) if p.startswith("settings.json.corrupt-")]
    assert len(aside) == 1
    assert (tmp_path / aside[0]).read_text() == "{not json"
    assert str(tmp_path / aside[0]) in str(refused.value)
    assert not path.exists()


def test_the_store_goes_on_with_defaults_and_says_why_on_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('["a list, not sections"]')
    store = SettingsStore(path)
    assert rules_from(store.load()) == AlertRules()
    assert "is not a settings file" in store.problem


def test_a_save_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings().with_section("alerts", {}))
    save_settings(path, Settings().with_section("alerts", {"label": "a"}))
    assert sorted(os.listdir(tmp_path)) == ["settings.json"]
    assert (path.stat().st_mode & 0o777) == 0o600
