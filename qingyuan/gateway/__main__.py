"""``python -m qingyuan.gateway --sink package.module:factory``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import cast

from .run import main
from .sink import Sink


def load_factory(spec: str) -> Callable[[], Sink]:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise SystemExit(f"--sink {spec!r}: expected package.module:factory")
    return cast(Callable[[], Sink], getattr(importlib.import_module(module_name), attr))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m qingyuan.gateway", description=__doc__)
    parser.add_argument("--sink", required=True, help="package.module:factory returning a Sink")
    args = parser.parse_args()
    sys.exit(main(load_factory(args.sink)))
