"""[nudges] messages_per_day: the daily cap on private messages (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundtable.config import ConfigError, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_three_a_day_unless_told(tmp_path):
    assert load_config(EXAMPLE).nudges.policy().per_day == 3
    assert load_config(None).nudges.policy().per_day == 3
    path = tmp_path / "c.toml"
    path.write_text("[nudges]\nmessages_per_day = 0\n")  # 0: no cap
    assert load_config(path).nudges.policy().per_day == 0


@pytest.mark.parametrize("value", ["-1", '"three"'])
def test_a_bad_cap_names_the_key(tmp_path, value):
    path = tmp_path / "c.toml"
    path.write_text(f"[nudges]\nmessages_per_day = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "nudges.messages_per_day" in str(caught.value)
