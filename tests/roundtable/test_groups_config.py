"""The [groups] section of the config file."""

from __future__ import annotations

import pytest

from roundtable.config import ConfigError, load_config


def test_min_group_size_is_read_and_checked(tmp_path):
    path = tmp_path / "config.toml"
    assert load_config(None).groups.min_group_size == 5
    path.write_text("[groups]\nmin_group_size = 3\n")
    assert load_config(path).groups.min_group_size == 3
    path.write_text("[groups]\nmin_group_size = 0\n")
    with pytest.raises(ConfigError, match=r"groups\.min_group_size"):
        load_config(path)
