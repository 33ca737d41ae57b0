"""docs/deploy/production.env is a working production configuration: `check --deploy` is silent under it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENV_FILE = ROOT / "docs" / "deploy" / "production.env"


def production_env() -> dict[str, str]:
    values = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("QINGYUAN_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**base, **env, "QINGYUAN_VAR_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )


def test_it_documents_a_production_environment_with_placeholders():
    env = production_env()
    assert env["QINGYUAN_SECRET_KEY"].startswith("REPLACE-") and "REPLACE-" in env["DATABASE_URL"]
    assert env["QINGYUAN_DEBUG"] == "0" and env["QINGYUAN_INSECURE_DEV_KEY"] == "0"
    for name in ("QINGYUAN_SSL_REDIRECT", "QINGYUAN_SECURE_COOKIES", "QINGYUAN_BEHIND_TLS_PROXY"):
        assert env[name] == "1", name
    assert int(env["QINGYUAN_HSTS_SECONDS"]) >= 31536000


def test_it_passes_the_deploy_checks_without_a_warning_under_the_production_environment(tmp_path):
    env = production_env()
    env["QINGYUAN_SECRET_KEY"] = secrets.token_urlsafe(40)[:50]
    result = check_deploy(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stderr + result.stdout
    # The same check without those settings warns (so the test above can fail).
    bare = check_deploy({"QINGYUAN_SECRET_KEY": env["QINGYUAN_SECRET_KEY"]}, tmp_path)
    assert bare.returncode != 0 and "security.W004" in bare.stderr + bare.stdout


def test_it_refuses_the_placeholder_key_in_the_deploy_checks(tmp_path):
    result = check_deploy(production_env(), tmp_path)
    assert result.returncode != 0 and "security.W009" in result.stderr + result.stdout
