"""Production: secrets must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("UPPSIKT_SECRET_KEY must be set in production.")
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured("UPPSIKT_ENCRYPTION_KEY must be set in production.")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind the municipality's TLS proxy
SECURE_CONTENT_TYPE_NOSNIFF = True
