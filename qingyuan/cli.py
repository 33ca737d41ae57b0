"""The ``qingyuan`` command: the processes of Qingyuan, plus Django's management commands.

    qingyuan demo        migrate, seed the demo county, run web + gateway + worker + simulator
                         (a process that exits is restarted; --no-simulator leaves the simulator out)
    qingyuan web         the web application (gunicorn)
    qingyuan gateway     the HJ 212 gateway
    qingyuan worker      the background worker
    qingyuan simulate    the device simulator
    qingyuan seed-demo   create the demo county (idempotent)
    qingyuan <command>   any Django management command (migrate, createsuperuser, ...)
"""

from __future__ import annotations

import os
import subprocess
import sys

ALIASES = {"seed-demo": "seed_demo"}


def _manage(args: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qingyuan", *args])


DEV_KEY_REFUSAL = (
    "qingyuan web: refusing to start with the public development secret key (QINGYUAN_SECRET_KEY is not set). "
    "Anyone could forge sessions with it. Set QINGYUAN_SECRET_KEY to a long random value "
    "(see docs/deploy/production.env); on a development machine use `qingyuan demo` or QINGYUAN_DEBUG=1."
)


def _uses_development_key() -> bool:
    """True when the web would sign with the shipped key outside the demo and debug mode."""
    from qingyuan.core.checks import INSECURE_KEY
    from qingyuan.core.env import env_bool

    key = os.environ.get("QINGYUAN_SECRET_KEY", "")
    if key and key != INSECURE_KEY:
        return False
    return not (os.environ.get("QINGYUAN_DEMO") == "1" or env_bool("QINGYUAN_DEBUG", False))


def _web(args: list[str]) -> None:
    if _uses_development_key():
        sys.exit(DEV_KEY_REFUSAL)
    bind = os.environ.get("QINGYUAN_BIND", "127.0.0.1:8000")
    workers = os.environ.get("QINGYUAN_WEB_WORKERS", "2")
    # gunicorn writes its access and error lines in local time with the offset: make that the park's
    # zone, as in the application's lines (qingyuan.core.logformat).
    os.environ["TZ"] = os.environ.get("QINGYUAN_TIME_ZONE") or "Asia/Shanghai"
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "qingyuan.wsgi:application",
                               "--bind", bind, "--workers", workers, "--threads", "4",
                               "--access-logfile", "-", *args])


def _demo(args: list[str]) -> None:
    from qingyuan.core.supervise import Child, Supervisor

    env = dict(os.environ)
    me = (sys.executable, "-m", "qingyuan.cli")
    subprocess.run([*me, "migrate", "--no-input", "-v", "0"], check=True, env=env)
    subprocess.run([*me, "seed-demo"], check=True, env=env)
    children = [Child("web", (*me, "web")), Child("gateway", (*me, "gateway")), Child("worker", (*me, "worker"))]
    if "--no-simulator" not in args:
        children.append(Child("simulator", (*me, "simulate"), delay=2.0))  # once the gateway listens
    bind = env.get("QINGYUAN_BIND", "127.0.0.1:8000")
    print(f"\n  Qingyuan demo: http://{bind}/  (HJ 212 gateway on port {env.get('QINGYUAN_GATEWAY_PORT', '9212')})")
    print("  Log in as leader, office, epb, township, ent1, ent2, inspector, expert, supervisor or admin;")
    print("  the password is qingyuan-demo. A process that crashes is restarted; Ctrl-C stops everything.\n",
          flush=True)
    sys.exit(Supervisor(children, env=env, label="qingyuan demo").run())


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = args[0], args[1:]
    if command == "demo":
        os.environ["QINGYUAN_DEMO"] = "1"  # its web may use the development key (see _web)
        _demo(rest)
    elif command == "web":
        _web(rest)
    else:
        _manage([ALIASES.get(command, command), *rest])


if __name__ == "__main__":
    main()
