"""`qingyuan web` refuses the public development key outside the demo and debug mode."""

import pytest

from qingyuan import cli
from qingyuan.core.checks import INSECURE_KEY


@pytest.fixture
def exec_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(cli.os, "execvp", lambda *args: calls.append(args))
    for name in ("QINGYUAN_SECRET_KEY", "QINGYUAN_DEBUG", "QINGYUAN_DEMO"):
        monkeypatch.setenv(name, "0")  # so that teardown restores what main() sets
        monkeypatch.delenv(name)
    return calls


@pytest.mark.parametrize("key", [None, "", INSECURE_KEY])
def test_it_refuses_to_start_the_web_with_the_development_key(exec_calls, monkeypatch, key):
    if key is not None:
        monkeypatch.setenv("QINGYUAN_SECRET_KEY", key)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["web"])
    assert "QINGYUAN_SECRET_KEY" in str(stopped.value.code) and "development" in str(stopped.value.code)
    assert exec_calls == []


@pytest.mark.parametrize("env", [{"QINGYUAN_SECRET_KEY": "x" * 50}, {"QINGYUAN_DEBUG": "1"}, {"QINGYUAN_DEMO": "1"}])
def test_it_starts_the_web_with_a_real_key_in_debug_mode_or_in_the_demo(exec_calls, monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cli.main(["web", "--timeout", "5"])
    assert len(exec_calls) == 1 and exec_calls[0][1][2:4] == ["gunicorn", "qingyuan.wsgi:application"]
    assert exec_calls[0][1][-2:] == ["--timeout", "5"]


def test_it_marks_the_demo_so_its_web_may_use_the_development_key(monkeypatch):
    monkeypatch.setenv("QINGYUAN_DEMO", "0")  # teardown restores the environment main() changes
    monkeypatch.delenv("QINGYUAN_DEMO")
    seen = []
    monkeypatch.setattr(cli, "_demo", lambda args: seen.append(cli.os.environ.get("QINGYUAN_DEMO")))
    cli.main(["demo", "--no-simulator"])
    assert seen == ["1"]
