"""Every setting is documented in README; README opens with the two commands CI relies on."""

import re
from pathlib import Path

import pytest

from kubeatlas.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.env for s in SETTINGS])
def test_setting_is_documented(setting):
    assert setting.env in README, f"{setting.env} missing from README"


def test_readme_opens_with_two_commands():
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert block, "README needs a first code block"
    lines = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 2, lines
    assert "kubeatlas index" in lines[0]
    assert "pytest" in lines[1]
