"""`genet install-desktop`: a menu entry and icon for the user, valid by the freedesktop spec."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from genet_kivy import desktop
from genet_kivy.main import main


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def test_install_writes_the_entry_and_the_icon(data_home: Path) -> None:
    assert main(["install-desktop"]) == 0
    assert (data_home / "applications" / "genet.desktop").is_file()
    assert (data_home / "icons/hicolor/scalable/apps/genet.svg").read_bytes() == \
        desktop.ICON.read_bytes()


def test_the_entry_runs_this_genet_by_its_absolute_path(data_home: Path) -> None:
    main(["install-desktop"])
    text = (data_home / "applications" / "genet.desktop").read_text()
    assert f"Exec={desktop.genet_executable()}\n" in text
    assert Path(desktop.genet_executable()).is_absolute()


def test_the_entry_is_valid_by_the_spec(data_home: Path) -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate not installed (Debian's desktop-file-utils)")
    main(["install-desktop"])
    done = subprocess.run([validate, str(data_home / "applications" / "genet.desktop")],
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_a_path_with_a_space_is_quoted() -> None:
    assert 'Exec="/opt/my apps/bin/genet"\n' in desktop.entry_text("/opt/my apps/bin/genet")


def test_a_quote_in_the_path_is_escaped() -> None:
    assert 'Exec="/opt/a\\"b/genet"\n' in desktop.entry_text('/opt/a"b/genet')


def test_remove_takes_both_files_away(data_home: Path) -> None:
    main(["install-desktop"])
    assert main(["install-desktop", "--remove"]) == 0
    assert list(data_home.rglob("genet*")) == []


def test_an_unknown_argument_is_refused(data_home: Path) -> None:
    assert main(["install-desktop", "--bogus"]) == 2
