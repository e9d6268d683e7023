"""Local use: `make run`. SQLite and a local queue under the data folder."""

import hashlib

from .base import *  # noqa: F403  (environment modules extend base by design)
from .base import DATA_DIR, FIELD_ENCRYPTION_KEY, SECRET_KEY

DEBUG = DEBUG  # noqa: F405
_seed = hashlib.sha256(str(DATA_DIR).encode()).hexdigest()
SECRET_KEY = SECRET_KEY or f"dev-only-{_seed}"
if not FIELD_ENCRYPTION_KEY:
    import base64

    FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(hashlib.sha256(f"key-{_seed}".encode()).digest()).decode()
