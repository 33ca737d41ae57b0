"""The ``qingyuan`` command: the processes of Qingyuan, plus Django's management commands.

    qingyuan demo        migrate, seed the demo county, run web + gateway + worker + simulator
    qingyuan web         the web application (gunicorn)
    qingyuan gateway     the HJ 212 gateway
    qingyuan worker      the background worker
    qingyuan simulate    the device simulator
    qingyuan seed-demo   create the demo county (idempotent)
    qingyuan <command>   any Django management command (migrate, createsuperuser, ...)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

ALIASES = {"seed-demo": "seed_demo"}


def _manage(args: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qingyuan", *args])


def _web(args: list[str]) -> None:
    bind = os.environ.get("QINGYUAN_BIND", "127.0.0.1:8000")
    workers = os.environ.get("QINGYUAN_WEB_WORKERS", "2")
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "qingyuan.wsgi:application",
                               "--bind", bind, "--workers", workers, "--threads", "4",
                               "--access-logfile", "-", *args])


def _demo(args: list[str]) -> None:
    env = dict(os.environ)
    python = sys.executable
    me = [python, "-m", "qingyuan.cli"]
    subprocess.run([*me, "migrate", "--no-input", "-v", "0"], check=True, env=env)
    subprocess.run([*me, "seed-demo"], check=True, env=env)
    processes = {
        "web": subprocess.Popen([*me, "web"], env=env),
        "gateway": subprocess.Popen([*me, "gateway"], env=env),
        "worker": subprocess.Popen([*me, "worker"], env=env),
    }
    if "--no-simulator" not in args:
        time.sleep(2)
        processes["simulator"] = subprocess.Popen([*me, "simulate"], env=env)
    bind = env.get("QINGYUAN_BIND", "127.0.0.1:8000")
    print(f"\n  Qingyuan demo: http://{bind}/  (HJ 212 gateway on port {env.get('QINGYUAN_GATEWAY_PORT', '9212')})")
    print("  Log in as leader, office, epb, township, ent1, ent2, inspector, expert, supervisor or admin;")
    print("  the password is qingyuan-demo. Ctrl-C stops everything.\n")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, proc in processes.items():
                if proc.poll() is not None:
                    print(f"qingyuan demo: {name} exited with {proc.returncode}; stopping the rest.")
                    stopping = True
            time.sleep(0.5)
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = args[0], args[1:]
    if command == "demo":
        _demo(rest)
    elif command == "web":
        _web(rest)
    else:
        _manage([ALIASES.get(command, command), *rest])


if __name__ == "__main__":
    main()
