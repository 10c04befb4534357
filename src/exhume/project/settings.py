"""Django settings for exhume, all read through :mod:`exhume.config`."""

from __future__ import annotations

from pathlib import Path

from exhume import config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config.debug()
SECRET_KEY = config.secret_key()
ALLOWED_HOSTS = config.allowed_hosts()

# Security headers (exhume.project.middleware adds the Content-Security-Policy).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Joining the browsers' HSTS preload list is the operator's decision, not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if config.behind_tls():
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # local monitors ask over plain HTTP
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs viewer's files locally (no CDN)
    "exhume.project",  # deployment checks
    "exhume.audit",
    "exhume.casework",
    "exhume.families",
    "exhume.dna",
    "exhume.publication",
    "exhume.identification",
    "exhume.reports",
    "exhume.maps",
    "exhume.imports",
]

MIDDLEWARE = [
    "exhume.project.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "exhume.project.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "exhume.project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "exhume.project.wsgi.application"

DATABASES = {"default": config.database().as_django()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.data_dir() / "static"
# WhiteNoise serves the collected files (``exhume serve`` collects them) compressed, with
# content-hashed names cached for a year.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "map",
    "woff2",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Each server process keeps the public pages it rendered, keyed by the audit log's head
# (exhume.publication.cache), so a write anywhere makes every cached page stale at once.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "exhume",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# One JSON line per request on stderr: method, route, status, milliseconds; no address, no
# user, no query string (exhume.project.middleware.RequestLogMiddleware).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "exhume.project.middleware.JsonLineFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "exhume.requests": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}

# Maps: no tile server unless one is configured, so that maps request nothing from elsewhere.
EXHUME_MAP_TILES = config.map_tiles()
EXHUME_MAP_ATTRIBUTION = config.map_attribution()

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"
