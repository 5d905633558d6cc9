"""The UI test session itself: it leaves nothing behind in the temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_ui_session_removes_the_kivy_home_it_made(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "KIVY_HOME"}
    env.update(TMPDIR=str(temp), KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/ui/test_layouts.py", "-k", "test_stopping_the_app_disposes_every_subscription"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(p.name for p in temp.iterdir() if p.name.startswith("genet-kivy-home-")) == []
