"""The engines saved in Genet: atomic writes, and a corrupt file reported and never lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genet_rx.engine.saved import (
    SavedEngine,
    SavedEnginesError,
    engines_file,
    load,
    save,
)


def test_saved_engines_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "genet" / "engines.json"
    engines = [SavedEngine("ssh://me@box"), SavedEngine("lab", "Lab", enabled=False)]
    save(path, engines)
    assert load(path) == engines


def test_no_file_yet_is_no_saved_engines(tmp_path: Path) -> None:
    assert load(tmp_path / "engines.json") == []


def test_the_file_lives_in_the_xdg_config_folder(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert engines_file(env) == tmp_path / "genet" / "engines.json"


def test_a_save_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "engines.json"
    save(path, [SavedEngine("unix:///a.sock")])
    save(path, [SavedEngine("unix:///b.sock")])
    assert sorted(os.listdir(tmp_path)) == ["engines.json"]


def test_a_corrupt_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "engines.json"
    path.write_text('{"engines": [{"host": ')
    with pytest.raises(SavedEnginesError, match="it was kept as") as refused:
        load(path)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("engines.json.corrupt-")]
    assert [p.read_text() for p in kept] == ['{"engines": [{"host": ']
    assert str(kept[0]) in str(refused.value)
    assert load(path) == []  # the next start begins afresh, the old file still kept


def test_an_entry_without_a_host_makes_the_file_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "engines.json"
    path.write_text('{"engines": [{"name": "x"}]}')
    with pytest.raises(SavedEnginesError, match="not a list of engines"):
        load(path)


def test_a_saved_engines_tls_folder_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "engines.json"
    save(path, [SavedEngine("tcp://lab:2376", tls_dir="/home/me/lab-certs")])
    assert load(path)[0].tls_dir == "/home/me/lab-certs"


def test_open_chosen_opens_saved_engines_with_their_tls_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genet_rx.engine.engines import open_chosen

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    save(engines_file(), [SavedEngine("tcp://127.0.0.1:9", tls_dir=str(tmp_path / "certs")),
                          SavedEngine("tcp://127.0.0.1:10", enabled=False)])
    engines = open_chosen(reconcile_every=3600.0)
    try:
        assert list(engines.engines) == ["", "tcp://127.0.0.1:9"]
        endpoint = engines.engines["tcp://127.0.0.1:9"].client.endpoint
        assert (endpoint.tls, endpoint.cert_path) == (True, str(tmp_path / "certs"))
    finally:
        engines.close()
