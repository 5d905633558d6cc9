"""One masking rule for every view and copy: names, values, URLs and command arguments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genet_kivy.masking import MASK, mask_args, mask_command, mask_urls, mask_value


def test_a_label_with_a_secret_looking_key_is_masked():
    assert mask_value("traefik.http.middlewares.a.basicauth.users", "admin:x") == MASK


def test_a_label_holding_a_password_hash_is_masked_whatever_its_key():
    assert mask_value("users", "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/") == MASK


def test_an_ordinary_label_is_shown():
    assert mask_value("com.docker.compose.project", "shop") == "shop"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@cache", f"redis://:{MASK}@cache"),
        ("https://tok@host", f"https://{MASK}@host"),
        ("postgres://u:p@db/x", f"postgres://u:{MASK}@db/x"),
        ("see https://example.com/a:b for more", "see https://example.com/a:b for more"),
    ],
)
def test_url_credentials_are_masked_and_the_rest_kept(url, shown):
    assert mask_urls(url) == shown


def test_a_url_in_a_label_value_is_masked():
    assert mask_value("cache", "redis://:s3cret@cache:6379") == f"redis://:{MASK}@cache:6379"


def test_a_password_flag_with_equals_is_masked():
    assert mask_args(["app", "--password=hunter2"]) == ["app", f"--password={MASK}"]


def test_the_word_after_a_token_flag_is_masked():
    assert mask_args(["app", "--token", "x", "--verbose"]) == ["app", "--token", MASK, "--verbose"]


def test_a_flag_followed_by_another_flag_masks_nothing():
    assert mask_args(["app", "--token", "--verbose"]) == ["app", "--token", "--verbose"]


def test_a_secret_assignment_in_a_command_is_masked():
    assert mask_args(["env", "API_KEY=abc", "run"]) == ["env", f"API_KEY={MASK}", "run"]


def test_ordinary_arguments_are_kept():
    assert mask_args(["nginx", "-g", "daemon off;", "--port=80"]) == [
        "nginx", "-g", "daemon off;", "--port=80",
    ]


def test_a_command_line_keeps_its_spacing():
    assert mask_command("app  --password=hunter2 -v") == f"app  --password={MASK} -v"


def test_a_url_in_a_command_line_is_masked():
    assert mask_command("worker redis://:s3cret@cache") == f"worker redis://:{MASK}@cache"


@given(st.text())
def test_masking_any_command_line_never_raises(text):
    assert isinstance(mask_command(text), str)


def overview(**kw):
    from genet_kivy.describe import detail_fields
    from genet_rx.model.containers import Container, State

    c = Container(id="a" * 64, name="web", image="app", state=State.RUNNING, **kw)
    return {f.key: f for f in detail_fields(c, 0)}


def test_the_overview_masks_a_password_in_the_command():
    assert overview(command="app --password=hunter2")["command"].value == f"app --password={MASK}"


def test_the_overview_keeps_the_whole_command_to_reveal():
    assert overview(command="app --password=hunter2")["command"].full == "app --password=hunter2"


def test_the_overview_masks_secret_labels():
    labels = {"a.basicauth.users": "admin:$apr1$x", "tier": "web"}
    assert overview(labels=labels)["labels"].value == f"a.basicauth.users={MASK}\ntier=web"


def test_the_overview_has_nothing_to_reveal_without_secrets():
    assert overview(command="nginx -g 'daemon off;'")["command"].full == ""
