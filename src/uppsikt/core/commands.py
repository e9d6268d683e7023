from __future__ import annotations

import os
import signal
import subprocess
import sys

from uppsikt.cli import CommandError, ensure_migrated, setup_django


def register(sub) -> None:
    p = sub.add_parser("setup", help="skapa eller migrera datamappen (idempotent)")
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("demo", help="ladda en demokommun")
    p.add_argument("--policy", default="mora", help="förval för demokommunen")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("serve", help="webbapp och bakgrundsarbetare på 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="starta inte bakgrundsarbetaren")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("config", help="miljövariablerna som Uppsikt läser, med förklaring")
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser("audit", help="granskningsloggen")
    p.add_argument("action", choices=["verify"])
    p.set_defaults(handler=cmd_audit)


def cmd_setup(args) -> int:
    setup_django()
    ensure_migrated()
    return 0


def cmd_demo(args) -> int:
    setup_django()
    ensure_migrated()
    from uppsikt.channels.lifecycle import TransitionError
    from uppsikt.core.demo import build_demo

    try:
        info = build_demo(preset=args.policy)
    except (ValueError, TransitionError) as exc:
        raise CommandError(str(exc)) from None
    print(info)
    return 0


def cmd_serve(args) -> int:
    setup_django()
    ensure_migrated()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None
    if not args.no_worker:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "uppsikt.conf.dev"))
        worker = subprocess.Popen([sys.executable, "-m", "django", "run_huey", "--workers", "2", "-k", "thread"], env=env)
    url = f"http://127.0.0.1:{args.port}/"
    print(url, flush=True)
    try:
        from waitress import serve  # noqa: F401  (optional production server)
    except ImportError:
        serve = None
    try:
        if serve is not None:
            from uppsikt.wsgi import application

            serve(application, host="127.0.0.1", port=args.port, threads=8, _quiet=True)
        else:
            call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=10)
    return 0


def cmd_audit(args) -> int:
    setup_django()
    from uppsikt.audit.events import verify_chain

    problems = verify_chain()
    for line in problems:
        print(line)
    if problems:
        raise CommandError(f"granskningsloggen är inte intakt ({len(problems)} fel)")
    print("Granskningsloggen är intakt.")
    return 0


def cmd_config(args) -> int:
    setup_django()
    from uppsikt.conf.config import REGISTRY

    for setting in sorted(REGISTRY.values(), key=lambda s: s.name):
        default = "" if setting.default is None else f" (standard: {setting.default})"
        print(f"{setting.name}{default}\n    {setting.help}")
    return 0
