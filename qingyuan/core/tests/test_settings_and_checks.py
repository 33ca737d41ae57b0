import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from qingyuan.core import checks
from qingyuan.core.env import database_from_url, env_bool, env_int


def test_it_fails_loudly_on_bad_environment_values(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_INT", 1, minimum=5)
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        database_from_url("mysql://x/y", base_dir=tmp_path)


def test_it_parses_database_urls(tmp_path):
    pg = database_from_url("postgres://u:p%40ss@db.local:5433/qy", base_dir=tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql", "qy", "u", "p@ss", "db.local", "5433")
    lite = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert lite["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]


def test_it_flags_media_inside_the_static_root(settings):
    settings.MEDIA_ROOT = str(settings.STATIC_ROOT) + "/media"
    assert [m.id for m in checks.check_media_outside_static(None)] == ["qingyuan.E002"]


def test_it_flags_missing_compiled_translations(settings, tmp_path):
    settings.LOCALE_PATHS = [tmp_path]
    assert [m.id for m in checks.check_compiled_messages(None)] == ["qingyuan.E003"]


def test_the_shipped_configuration_passes_its_checks():
    assert [m.id for m in run_checks() if m.id.startswith("qingyuan.E")] == []
