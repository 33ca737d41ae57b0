"""qingyuan.hj212 stays free of Django (and of I/O modules)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_imports_no_django() -> None:
    code = "import qingyuan.hj212, sys; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})


def test_it_imports_no_socket_or_asyncio_code() -> None:
    code = (
        "import sys; before = set(sys.modules); import qingyuan.hj212; "
        "new = set(sys.modules) - before; "
        "bad = [m for m in new if m.split('.')[0] in ('socket', 'asyncio', 'selectors', 'concurrent', 'django')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
