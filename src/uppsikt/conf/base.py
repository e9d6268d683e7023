"""Settings shared by every environment. Environment modules override a few names."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from .config import config, data_dir

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = config(
    "UPPSIKT_SECRET_KEY",
    None,
    help="Django secret key. Required in production; dev and test derive one from the data folder.",
)
DEBUG = config("UPPSIKT_DEBUG", False, cast=bool, help="Show Django debug pages (never in production).")
ALLOWED_HOSTS = [h for h in config("UPPSIKT_ALLOWED_HOSTS", "127.0.0.1,localhost", help="Comma-separated host names the web app answers to.").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "huey.contrib.djhuey",
    "uppsikt.audit",
    "uppsikt.accounts",
    "uppsikt.policies",
    "uppsikt.channels",
    "uppsikt.platforms",
    "uppsikt.records",
    "uppsikt.inbox",
    "uppsikt.triage",
    "uppsikt.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "uppsikt.urls"
WSGI_APPLICATION = "uppsikt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "uppsikt.web.context.site",
            ],
            "builtins": ["uppsikt.web.templatetags.uppsikt_tags"],
        },
    },
]

DATABASE_URL = config(
    "DATABASE_URL",
    None,
    help="PostgreSQL URL (postgres://user@host:port/db). Unset: SQLite in the data folder.",
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "uppsikt.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"

# Login lockout (django-axes): five failures lock the account name for 30 minutes.
AXES_FAILURE_LIMIT = config("UPPSIKT_LOGIN_FAILURE_LIMIT", 5, cast=int, help="Failed log-ins before an account is locked.")
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lockout is per account name, not per address: a town hall's staff share one outgoing
# address, and locking it would lock everyone out. See docs/adr/0004-login-security.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"

REQUIRE_2FA = config("UPPSIKT_REQUIRE_2FA", True, cast=bool, help="Require TOTP two-factor authentication for staff log-in.")

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]  # the UI is Swedish for everyone; English is the source language of the catalogue
LOCALE_PATHS = [BASE_DIR / "conf" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

EVIDENCE_ROOT = DATA_DIR / "evidence"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

FIELD_ENCRYPTION_KEY = config(
    "UPPSIKT_ENCRYPTION_KEY",
    None,
    help="Fernet key for secrets at rest (platform tokens). Dev and test derive one from the data folder.",
)

META_APP_SECRET = config("UPPSIKT_META_APP_SECRET", None, help="Meta app secret: checks X-Hub-Signature-256 on Facebook/Instagram webhooks (/webhooks/meta/).")
META_VERIFY_TOKEN = config("UPPSIKT_META_VERIFY_TOKEN", None, help="Token Meta sends as hub.verify_token when the webhook subscription is set up.")

SMTP_HOST = config("UPPSIKT_SMTP_HOST", None, help="SMTP server for notices (e.g. a channel opened or closed). Unset: notices are printed to the console.")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = config("UPPSIKT_SMTP_PORT", 587, cast=int, help="SMTP port.")
    EMAIL_HOST_USER = config("UPPSIKT_SMTP_USER", "", help="SMTP user name.")
    EMAIL_HOST_PASSWORD = config("UPPSIKT_SMTP_PASSWORD", "", help="SMTP password.")
    EMAIL_USE_TLS = config("UPPSIKT_SMTP_STARTTLS", True, cast=bool, help="Use STARTTLS with the SMTP server.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = config("UPPSIKT_MAIL_FROM", "uppsikt@localhost", help="Sender address of notices.")
EMAIL_TIMEOUT = 20

REDIS_URL = config("REDIS_URL", None, help="Redis URL for the background queue. Unset: a SQLite queue in the data folder.")
if REDIS_URL:
    from huey import RedisHuey

    HUEY = RedisHuey("uppsikt", url=REDIS_URL, immediate=False)
else:
    from huey import SqliteHuey

    HUEY = SqliteHuey("uppsikt", filename=str(DATA_DIR / "huey.sqlite3"), immediate=False)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["uppsikt.web.permissions.IsVerifiedStaff"],
}
SPECTACULAR_SETTINGS = {"TITLE": "Uppsikt API", "VERSION": "1.0.0"}

OIDC_ENABLED = config("UPPSIKT_OIDC", False, cast=bool, help="Enable OpenID Connect single sign-on (install mozilla-django-oidc).")
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "mozilla_django_oidc.auth.OIDCAuthenticationBackend")
    OIDC_RP_CLIENT_ID = config("OIDC_RP_CLIENT_ID", "", help="OIDC client id issued by the municipality's identity provider.")
    OIDC_RP_CLIENT_SECRET = config("OIDC_RP_CLIENT_SECRET", "", help="OIDC client secret.")
    OIDC_OP_AUTHORIZATION_ENDPOINT = config("OIDC_OP_AUTHORIZATION_ENDPOINT", "", help="Identity provider's authorization endpoint.")
    OIDC_OP_TOKEN_ENDPOINT = config("OIDC_OP_TOKEN_ENDPOINT", "", help="Identity provider's token endpoint.")
    OIDC_OP_USER_ENDPOINT = config("OIDC_OP_USER_ENDPOINT", "", help="Identity provider's userinfo endpoint.")
    OIDC_OP_JWKS_ENDPOINT = config("OIDC_OP_JWKS_ENDPOINT", "", help="Identity provider's JWKS endpoint.")
    OIDC_RP_SIGN_ALGO = "RS256"

UPPSIKT_MUNICIPALITY = config("UPPSIKT_MUNICIPALITY", "Exempelby kommun", help="The municipality's name, shown on public pages.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

AUTH_USER_MODEL = "accounts.User"
