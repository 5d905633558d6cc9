"""Screenshots: a test run writes them to a scratch folder; docs/shots only on request."""

from __future__ import annotations

import pytest
from ui_harness import DOCS_SHOTS, save_shot

pytestmark = pytest.mark.ui


def test_a_test_run_writes_screenshots_outside_the_tree(kivy_window, frames, monkeypatch):
    monkeypatch.delenv("GENET_SHOTS", raising=False)
    path = save_shot(kivy_window, frames, "scratch-check")
    assert path.is_file()
    assert DOCS_SHOTS not in path.parents
    assert not (DOCS_SHOTS / "scratch-check.png").exists()


def test_genet_shots_names_the_folder_screenshots_go_to(kivy_window, frames, monkeypatch,
                                                        tmp_path):
    monkeypatch.setenv("GENET_SHOTS", str(tmp_path))
    path = save_shot(kivy_window, frames, "asked-for")
    assert path == tmp_path / "asked-for.png"
    assert path.is_file()
