from __future__ import annotations

import os
import signal
import subprocess
import sys

from uppsikt.cli import CommandError, ensure_migrated, setup_django
from uppsikt.core.i18n import gettext as _, ngettext


def register(sub) -> None:
    p = sub.add_parser("setup", help=_("create or migrate the data folder (idempotent)"))
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("demo", help=_("load a demo municipality"))
    p.add_argument("--policy", default="mora", help=_("preset for the demo municipality"))
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("serve", help=_("web app and background worker on 127.0.0.1"))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help=_("do not start the background worker"))
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("config", help=_("the environment variables Uppsikt reads, explained"))
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser("audit", help=_("the audit log"))
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
        raise CommandError(
            ngettext("the audit log is not intact (%(count)d error)", "the audit log is not intact (%(count)d errors)", len(problems)) % {"count": len(problems)}
        )
    print(_("The audit log is intact."))
    return 0


def cmd_config(args) -> int:
    setup_django()
    from uppsikt.conf.config import REGISTRY

    for setting in sorted(REGISTRY.values(), key=lambda s: s.name):
        if setting.default is None:
            print(setting.name)
        else:
            print(_("%(name)s (default: %(default)s)") % {"name": setting.name, "default": setting.default})
        print(f"    {setting.help}")
    return 0
