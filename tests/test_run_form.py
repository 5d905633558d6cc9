"""The run, volume and network dialogs' input checks (pure: no Kivy, no engine)."""

from __future__ import annotations

import pytest

from genet_kivy.dialogs.run_form import (
    RunForm,
    check_name,
    check_run,
    parse_command,
    parse_env,
    parse_mounts,
    parse_restart,
)


def test_a_full_form_gives_the_run_arguments() -> None:
    checked = check_run(RunForm(
        image=" busybox ", name="web-1", command="sh -c 'sleep 60'",
        env="A=1\n\n B=two words \nEMPTY=", restart="on-failure", retries="3",
        mounts="data:/data\ncache:/var/cache", network="backend"))
    assert checked.ok
    assert checked.arguments == {
        "image": "busybox", "name": "web-1", "cmd": ("sh", "-c", "sleep 60"),
        "env": ("A=1", "B=two words", "EMPTY="), "restart": "on-failure:3",
        "mounts": (("data", "/data"), ("cache", "/var/cache")), "network": "backend",
    }


def test_only_an_image_is_needed() -> None:
    checked = check_run(RunForm(image="busybox"))
    assert checked.arguments == {
        "image": "busybox", "name": "", "cmd": (), "env": (), "restart": "no",
        "mounts": (), "network": ""}


@pytest.mark.parametrize(("form", "fragment"), [
    (RunForm(), "Image: say which image"),
    (RunForm(image="bad image"), "has spaces"),
    (RunForm(image="busybox", name="-x"), "Name: “-x” is not a valid name"),
    (RunForm(image="busybox", name="a b"), "is not a valid name"),
    (RunForm(image="busybox", command="sh -c 'oops"), "Command:"),
    (RunForm(image="busybox", env="A=1\nNOEQUALS"), "Environment line 2: “NOEQUALS”"),
    (RunForm(image="busybox", env="=value"), "Environment line 1: “” is not a variable"),
    (RunForm(image="busybox", restart="sometimes"), "Restart: “sometimes”"),
    (RunForm(image="busybox", restart="on-failure", retries="x"), "Max retries: “x”"),
    (RunForm(image="busybox", mounts="data"), "Volumes line 1: “data” is not volume:/path"),
    (RunForm(image="busybox", mounts="/srv:/data"), "not host paths"),
    (RunForm(image="busybox", mounts="data:rel"), "must start with /"),
    (RunForm(image="busybox", mounts="da ta:/x"), "is not a volume name"),
    (RunForm(image="busybox", mounts="data:/x:ro"), "options after the path"),
])
def test_a_bad_field_says_what_is_wrong(form: RunForm, fragment: str) -> None:
    checked = check_run(form)
    assert not checked.ok and checked.arguments == {}
    assert any(fragment in e for e in checked.errors), checked.errors


def test_every_problem_is_reported_at_once() -> None:
    checked = check_run(RunForm(image="", env="X", mounts="y"))
    assert len(checked.errors) == 3


def test_retries_only_count_for_on_failure() -> None:
    assert parse_restart("always", "5") == ("always", "")
    assert parse_restart("on-failure", "") == ("on-failure", "")
    assert parse_restart("on-failure", " 0 ") == ("on-failure:0", "")


def test_helpers_directly() -> None:
    assert parse_command("") == ((), "")
    assert parse_env("K=V=W") == (("K=V=W",), [])
    assert parse_mounts("  \n") == ((), [])


def test_names_for_volumes_and_networks() -> None:
    assert check_name("", "Name", required=False) == ("", "")
    assert check_name("", "Name", required=True)[1] == "Name: give it a name."
    assert check_name(" data ", "Name", required=True) == ("data", "")
    assert "not a valid name" in check_name("bad name", "Name", required=False)[1]
