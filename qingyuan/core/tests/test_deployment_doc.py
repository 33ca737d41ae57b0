"""docs/deployment.md and docs/deploy/ cannot drift from the code: the units start commands the
``qingyuan`` command accepts, restart always, and the pages name only variables that exist."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from qingyuan.core import attachments

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "docs" / "deploy"
UNITS = {"qingyuan-web.service": "web", "qingyuan-gateway.service": "gateway", "qingyuan-worker.service": "worker"}
QINGYUAN = "/opt/qingyuan/.venv/bin/qingyuan"
ENV_FILE = "/etc/qingyuan/qingyuan.env"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def accepted(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``qingyuan <argv> --help`` the way the unit would start it (the installed script is cli.main)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINGYUAN_", "DATABASE_URL", "DJANGO_"))}
    env["QINGYUAN_SECRET_KEY"] = "a-test-key-that-is-not-the-development-one-" + "x" * 20
    return subprocess.run([sys.executable, "-m", "qingyuan.cli", *argv, "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_it_gives_each_process_a_unit_that_restarts_always_as_the_service_user():
    for name in UNITS:
        service = unit(name)["Service"]
        assert service["Restart"] == "always", name
        assert service["User"] == "qingyuan" and service["EnvironmentFile"] == ENV_FILE, name
        assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) >= 30, name
        assert unit(name)["Unit"]["StartLimitIntervalSec"] == "0", name  # never gives up


def test_it_starts_commands_the_qingyuan_command_accepts():
    for name, subcommand in UNITS.items():
        argv = shlex.split(unit(name)["Service"]["ExecStart"])
        assert argv[0] == QINGYUAN and argv[1] == subcommand, (name, argv)
        result = accepted(argv[1:])
        assert result.returncode == 0, (name, result.stdout[-2000:], result.stderr[-2000:])
        assert "usage" in result.stdout.lower(), name
    # The check can fail: a command the cli does not know is refused.
    assert accepted(["gatewya"]).returncode != 0
    assert (DEPLOY / "qingyuan-admin").read_text(encoding="utf-8").rstrip().endswith(f'{QINGYUAN} "$@"')


def test_it_names_only_variables_that_exist():
    documented = set(re.findall(r"`((?:QINGYUAN_|DATABASE_URL)[A-Z0-9_]*)`",
                                (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")))
    pages = [ROOT / "docs" / "deployment.md", DEPLOY / "nginx.conf", DEPLOY / "production.env",
             *(DEPLOY / name for name in UNITS)]
    for page in pages:
        named = set(re.findall(r"\b(QINGYUAN_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL)\b", page.read_text(encoding="utf-8")))
        assert named <= documented, (page.name, sorted(named - documented))


def test_it_points_nginx_at_the_web_and_lets_the_largest_upload_through():
    production = dict(line.split("=", 1) for line in (DEPLOY / "production.env").read_text().splitlines()
                      if line and not line.startswith("#"))
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(rf"upstream qingyuan_web \{{\s*server {re.escape(production['QINGYUAN_BIND'])};", nginx)
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert limit_mb * 1024 * 1024 > attachments.MAX_BYTES
    assert "return 301 https://$host$request_uri;" in nginx
    assert "location /media" not in nginx  # uploads only through the access-checked views
    for header in ("X-Forwarded-Proto $scheme", "X-Real-IP $remote_addr", "Host $host"):
        assert f"proxy_set_header {header};" in nginx
    assert "9212" not in re.sub(r"(?m)^\s*#.*$", "", nginx)  # the gateway is raw TCP, not proxied as http


def test_the_deployment_page_refers_to_files_that_exist():
    page = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in re.findall(r"docs/deploy/([\w.*-]+)", page):
        assert list(DEPLOY.glob(name)), name
    for name in [*UNITS, "nginx.conf", "production.env", "qingyuan-admin"]:
        assert name in page, name
    assert "check --deploy --fail-level WARNING" in page
