"""Saving a file: ask before replacing, never follow a link, never leave half a file."""

from __future__ import annotations

import os

import pytest

from genet_kivy.save_file import FileExists, write_new_file


def test_a_new_file_is_written(tmp_path):
    write_new_file(tmp_path / "a.log", "hello\n")
    assert (tmp_path / "a.log").read_text() == "hello\n"


def test_an_existing_file_is_not_replaced_without_asking(tmp_path):
    (tmp_path / "a.log").write_text("old")
    with pytest.raises(FileExists):
        write_new_file(tmp_path / "a.log", "new")
    assert (tmp_path / "a.log").read_text() == "old"


def test_an_existing_file_is_replaced_when_asked(tmp_path):
    (tmp_path / "a.log").write_text("old")
    write_new_file(tmp_path / "a.log", "new", replace=True)
    assert (tmp_path / "a.log").read_text() == "new"


def test_a_link_at_the_destination_is_not_followed(tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep me")
    (tmp_path / "a.log").symlink_to(target)
    write_new_file(tmp_path / "a.log", "new", replace=True)
    assert target.read_text() == "keep me"


def test_a_link_at_the_destination_becomes_the_file(tmp_path):
    (tmp_path / "a.log").symlink_to(tmp_path / "precious")
    write_new_file(tmp_path / "a.log", "new", replace=True)
    assert not (tmp_path / "a.log").is_symlink()


def test_a_dangling_link_counts_as_existing(tmp_path):
    (tmp_path / "a.log").symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExists):
        write_new_file(tmp_path / "a.log", "new")


def test_the_file_is_renamed_into_place_from_the_same_folder(tmp_path, monkeypatch):
    (tmp_path / "a.log").write_text("old")
    seen = []
    real = os.replace

    def replace(src, dst):
        seen.append((os.path.dirname(src), (tmp_path / "a.log").read_text()))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    write_new_file(tmp_path / "a.log", "new", replace=True)
    assert seen == [(str(tmp_path), "old")]  # the old file was whole until the rename


def test_no_temporary_file_is_left_behind(tmp_path):
    (tmp_path / "a.log").write_text("old")
    with pytest.raises(FileExists):
        write_new_file(tmp_path / "a.log", "new")
    write_new_file(tmp_path / "b.log", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.log", "b.log"]
