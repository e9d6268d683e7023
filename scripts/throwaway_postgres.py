#!/usr/bin/env python3
"""Start a throwaway PostgreSQL cluster on loopback, run a command with DATABASE_URL set, remove it.

Uses Debian's postgresql binaries (/usr/lib/postgresql/*/bin). As root, the cluster
runs as the ``postgres`` system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def pg_bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        sys.exit("throwaway_postgres: PostgreSQL saknas (installera Debianpaketet postgresql)")
    return os.path.dirname(found[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        sys.exit("usage: throwaway_postgres.py -- COMMAND...")
    bindir = pg_bindir()
    root = tempfile.mkdtemp(prefix="uppsikt-pg-")
    datadir = os.path.join(root, "data")
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        os.chmod(root, 0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    log = os.path.join(root, "server.log")
    subprocess.run(prefix + [f"{bindir}/initdb", "-D", datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
    opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", datadir, "-o", opts, "-l", log, "-w", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres")
        print(f"throwaway_postgres: PostgreSQL på 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env).returncode
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
