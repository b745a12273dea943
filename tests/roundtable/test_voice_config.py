"""[nudges] and [balance] in the config file: checked at start, errors name the key."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from roundtable.config import ConfigError, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_gives_the_documented_defaults():
    config = load_config(EXAMPLE)
    nudges, balance = config.nudges.policy(), config.balance.policy()
    assert (nudges.every, nudges.after_open) == (timedelta(days=3), timedelta(hours=24))
    assert (nudges.quiet_start, nudges.quiet_end) == (time(21), time(9))
    assert (balance.days, balance.threshold, balance.min_group_size) == (14, 1.5, 3)


def test_settings_are_read(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[nudges]\nopt_in = true\nevery = "1w"\nquiet_hours = ""\n'
                    "[balance]\nthreshold = 0\n")
    config = load_config(path)
    nudges = config.nudges.policy()
    assert nudges.opt_in and nudges.every == timedelta(weeks=1)
    assert nudges.quiet_start == nudges.quiet_end  # no quiet hours
    assert config.balance.policy().threshold == 0


@pytest.mark.parametrize(("text", "key"), [
    ('[nudges]\nquiet_hours = "9pm till 9am"\n', "nudges.quiet_hours"),
    ('[nudges]\nevery = "often"\n', "nudges.every"),
    ('[nudges]\nafter_open = "0h"\n', "nudges.after_open"),
    ("[balance]\ndays = 0\n", "balance.days"),
    ("[balance]\nthreshold = -1\n", "balance.threshold"),
    ("[balance]\nloudness = 3\n", "balance.loudness"),
])
def test_mistakes_name_the_key(tmp_path, text, key):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert key in str(caught.value)
