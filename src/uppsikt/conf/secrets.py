"""Random keys kept in the data folder for installations without keys in the environment.

``$UPPSIKT_DATA_DIR/secrets.json`` is created once, readable by its owner only, with a
random Django secret key and a random Fernet key for secrets at rest. Production sets
``UPPSIKT_SECRET_KEY`` and ``UPPSIKT_ENCRYPTION_KEY`` instead.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def local_secrets(data_dir: Path) -> dict[str, str]:
    path = data_dir / "secrets.json"
    if not path.exists():
        fresh = {"secret_key": secrets.token_urlsafe(50), "encryption_key": Fernet.generate_key().decode()}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process (the worker, say) created it first
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(fresh, fh)
                fh.flush()
                os.fsync(fh.fileno())
            return fresh
    data = json.loads(path.read_text())
    return {"secret_key": data["secret_key"], "encryption_key": data["encryption_key"]}
