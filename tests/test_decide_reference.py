"""The test run never installs anything: the decide reference is only found, never built."""

from __future__ import annotations

import pytest

from ._decide_reference import BUILD_COMMAND, ReferenceUnavailable, find_reference_python


def test_a_missing_reference_is_a_reason_naming_the_build_command(tmp_path, monkeypatch):
    monkeypatch.delenv("GRANDBARGAIN_DECIDE_PYTHON", raising=False)
    monkeypatch.setenv("GRANDBARGAIN_DECIDE_VENV", str(tmp_path / "venv"))
    with pytest.raises(ReferenceUnavailable, match=r"tools/build_decide_reference\.py"):
        find_reference_python()
    assert list(tmp_path.iterdir()) == []  # nothing built, nothing created
    assert BUILD_COMMAND == "python tools/build_decide_reference.py"
