"""Every kind's action keys come from its actions, by one rule (no list per kind)."""

from __future__ import annotations

from genet_kivy.kinds.base import Action, action_keys


def test_remove_is_the_delete_key():
    assert action_keys([Action("remove", "Remove", "danger")]) == {"remove": "Delete"}


def test_other_actions_take_their_first_letter():
    keys = action_keys([Action("scale", "Scale…"), Action("update_image", "Update image…")])
    assert keys == {"scale": "S", "update_image": "U"}


def test_a_later_action_whose_letter_is_taken_has_no_key():
    keys = action_keys([Action("pull", "Pull…"), Action("prune", "Prune…")])
    assert keys == {"pull": "P"}


def test_rollback_keeps_r_beside_remove_on_delete():
    keys = action_keys([Action("rollback", "Rollback"), Action("remove", "Remove")])
    assert keys == {"rollback": "R", "remove": "Delete"}
