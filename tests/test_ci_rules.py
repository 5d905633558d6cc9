"""The rules the test command itself keeps: in CI nothing may skip unseen."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize(("required", "outcome"), [("1", {"failed": 1}), ("", {"skipped": 1})])
def test_ci_turns_any_skip_into_a_failure(pytester: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch, required: str,
                                          outcome: dict[str, int]) -> None:
    here = os.path.dirname(__file__)
    pytester.syspathinsert(here)
    with open(os.path.join(here, "conftest.py"), encoding="utf-8") as conftest:
        pytester.makeconftest(conftest.read())
    pytester.makepyfile("import pytest\n\ndef test_ui():\n    pytest.skip('no display')\n")
    monkeypatch.setenv("GENET_REQUIRE_ENGINE", required)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(**outcome)
