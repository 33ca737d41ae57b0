import pytest

from qingyuan.gateway.config import ConfigError, GatewayConfig, UpstreamAddress


def test_it_has_defaults_for_a_county_park():
    config = GatewayConfig.from_env({})
    assert config.port == 9212
    assert config.host == "0.0.0.0"
    assert config.low_water <= config.high_water


def test_it_reads_typed_values_from_the_environment():
    config = GatewayConfig.from_env({
        "QINGYUAN_GATEWAY_PORT": "19212",
        "QINGYUAN_GATEWAY_MAX_PER_IP": "3",
        "QINGYUAN_GATEWAY_IDLE_TIMEOUT": "2.5",
        "QINGYUAN_GATEWAY_SYNC_TIME_ON_CONNECT": "yes",
        "QINGYUAN_GATEWAY_UPSTREAMS": "province=10.0.0.5:9212, city=[::1]:8000",
        "QINGYUAN_GATEWAY_TIME_ZONE": "UTC",
    })
    assert config.port == 19212
    assert config.max_per_ip == 3
    assert config.idle_timeout == 2.5
    assert config.sync_time_on_connect is True
    assert config.upstreams == (UpstreamAddress("province", "10.0.0.5", 9212), UpstreamAddress("city", "::1", 8000))
    assert config.time_zone == "UTC"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("PORT", "nine", "QINGYUAN_GATEWAY_PORT='nine': expected an integer"),
    ("MAX_CONNECTIONS", "0", "must be at least 1"),
    ("IDLE_TIMEOUT", "soon", "expected a number of seconds"),
    ("IDLE_TIMEOUT", "nan", "must be a number"),
    ("SYNC_TIME_ON_CONNECT", "maybe", "expected true or false"),
    ("UPSTREAMS", "province", "is not name=host:port"),
    ("TIME_ZONE", "Mars/Base", "unknown time zone"),
    ("LOG_LEVEL", "LOUD", "expected DEBUG"),
    ("PORT", "70000", "PORT must be between"),
])
def test_it_refuses_bad_values_naming_the_variable(name, value, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        GatewayConfig.from_env({"QINGYUAN_GATEWAY_" + name: value})


def test_it_refuses_water_marks_the_wrong_way_round():
    with pytest.raises(ConfigError, match="LOW_WATER"):
        GatewayConfig.from_env({"QINGYUAN_GATEWAY_HIGH_WATER": "10", "QINGYUAN_GATEWAY_LOW_WATER": "20"})
