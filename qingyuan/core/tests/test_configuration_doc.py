"""docs/configuration.md lists every environment variable the code reads and every system check."""

import dataclasses
import re
from pathlib import Path

from qingyuan.gateway.config import PREFIX, GatewayConfig

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def code_variables():
    found = set()
    for path in (ROOT / "qingyuan").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'(?:env_\w+\(|\.get\(|environ\[|getenv\(|setdefault\()\s*"((?:QINGYUAN_[A-Z_]+)|DATABASE_URL)"', text))
    found.discard("QINGYUAN_GATEWAY_")
    found.update(PREFIX + f.name.upper() for f in dataclasses.fields(GatewayConfig))
    return found


def test_every_environment_variable_is_documented():
    missing = sorted(v for v in code_variables() if f"`{v}`" not in DOC)
    assert missing == []


def test_every_system_check_is_documented():
    source = (ROOT / "qingyuan" / "core" / "checks.py").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(qingyuan\.[EW]\d{3})"', source))
    assert ids and sorted(i for i in ids if f"`{i}`" not in DOC) == []
