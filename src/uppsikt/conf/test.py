"""The test suite: like dev, in a throwaway data folder, fast hashing, tasks run at once."""

import os
import tempfile

os.environ.setdefault("UPPSIKT_DATA_DIR", tempfile.mkdtemp(prefix="uppsikt-test-"))

from .dev import *  # noqa: E402,F403
from .dev import HUEY  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY.immediate = True
