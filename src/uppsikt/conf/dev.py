"""Local use: `make run`. SQLite and a local queue under the data folder."""

from .base import *  # noqa: F403  (an environment module extends base; see docs/adr/0001-stack.md)
from .base import DATA_DIR, FIELD_ENCRYPTION_KEY, SECRET_KEY
from .secrets import local_secrets

if not (SECRET_KEY and FIELD_ENCRYPTION_KEY):
    _local = local_secrets(DATA_DIR)
    SECRET_KEY = SECRET_KEY or _local["secret_key"]
    FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or _local["encryption_key"]
