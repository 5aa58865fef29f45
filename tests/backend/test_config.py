"""The backend's --config file: defaults, the kiosk's session key, refusals naming the key."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.config import BackendConfig, ConfigError, Limit, parse_config


def test_the_defaults_are_the_production_values() -> None:
    config = parse_config({})
    assert config == BackendConfig()
    assert config.session_lifetime == dt.timedelta(seconds=600)
    assert config.body_limit == 65536
    assert config.limits.identify_per_terminal == Limit(20, 60)


def test_a_file_names_only_what_it_changes() -> None:
    config = parse_config(
        {
            "timeouts": {"session_max": 900},
            "limits": {"sms_overall": {"count": 50, "window_s": 300}},
        }
    )
    assert config.session_max_s == 900.0
    assert config.limits.sms_overall == Limit(50, 300)
    assert config.limits.sms_per_terminal == BackendConfig().limits.sms_per_terminal


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"limit": {}}, "limit"),
        ({"timeouts": {"idle": 60}}, "timeouts.idle"),
        ({"timeouts": {"session_max": 0}}, "timeouts.session_max"),
        ({"limits": {"sms_overall": {"count": 5}}}, "limits.sms_overall"),
        ({"limits": {"sms_overall": {"count": -1, "window_s": 5}}}, "limits.sms_overall.count"),
        ({"http": {"body_limit": True}}, "http.body_limit"),
        ({"secrets": {"fingerprint_key": "short"}}, "secrets.fingerprint_key"),
    ],
)
def test_bad_values_are_refused_naming_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(data)
    assert str(refused.value).startswith(f"{key}:")
