"""An installed Genet (a wheel, as `pipx install .` makes one) carries every module, kv file
and data file of the checkout: an editable install hides a missing one."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--disable-pip-version-check", "-w", str(out), str(ROOT)],
                   check=True, timeout=300)
    (wheel,) = out.glob("genet-*.whl")
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def checkout_files(pattern: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern)
            if "__pycache__" not in p.parts}


def test_every_module_of_both_packages_is_in_the_wheel(wheel_names: set[str]) -> None:
    modules = checkout_files("genet_rx/**/*.py") | checkout_files("genet_kivy/**/*.py")
    assert sorted(modules - wheel_names) == []


def test_every_kv_file_is_in_the_wheel(wheel_names: set[str]) -> None:
    kv = {f"genet-0.1.0.data/data/share/genet/{name}" for name in checkout_files("kv/*.kv")}
    assert sorted(kv - wheel_names) == []


def test_the_icon_is_in_the_wheel(wheel_names: set[str]) -> None:
    assert "genet_kivy/data/genet.svg" in wheel_names


def test_the_window_icon_is_in_the_wheel(wheel_names: set[str]) -> None:
    assert "genet_kivy/data/genet.png" in wheel_names
