"""Django settings. The database comes from KOKAI_DATABASE_URL (default ./kokai.sqlite3)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from kokai.dburl import database_url, django_database

BASE_DIR = Path(__file__).resolve().parent
# Under pytest (pytest-django), KOKAI_TEST_DATABASE_URL picks the test database; a kokai
# command started by a test (its own process, no pytest loaded) keeps its own --db.
_test_url = os.environ.get("KOKAI_TEST_DATABASE_URL") if "pytest" in sys.modules else None
DATABASES = {"default": django_database(_test_url if _test_url and _test_url != "sqlite" else database_url())}
if _test_url == "sqlite":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}


def _secret_key() -> str:
    """KOKAI_SECRET_KEY, or a key kept (mode 0600) beside the SQLite file / in the cwd."""
    if key := os.environ.get("KOKAI_SECRET_KEY"):
        return key
    db = DATABASES["default"]
    folder = Path(db["NAME"]).parent if db["ENGINE"].endswith("sqlite3") and db["NAME"] != ":memory:" else Path.cwd()
    path = folder / ".kokai-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(key)
        except OSError:
            pass  # read-only place: a per-process key (sessions end with the process)
        return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KOKAI_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("KOKAI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KOKAI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kokai.ledger",
    "kokai.cash",
    "kokai.assets",
    "kokai.closing",
    "kokai.web",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "kokai.web.urls"
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
            ]
        },
    }
]
WSGI_APPLICATION = "kokai.web.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The web layer's own events (e.g. each download of a book or working paper: user, 団体,
# year, file) go to the console, which waitress and the service manager keep.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"kokai.web": {"handlers": ["console"], "level": "INFO"}},
}
