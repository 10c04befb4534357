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
    # the proxy's X-Real-IP names the client (the family portal counts reports per address)
    CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"

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
    "exhume.access",
    "exhume.casework",
    "exhume.families",
    "exhume.dna",
    "exhume.publication",
    "exhume.identification",
    "exhume.reports",
    "exhume.maps",
    "exhume.imports",
    "exhume.portal",
    "exhume.translations",
    "axes",  # throttles failed logins (last, as its docs ask)
]

MIDDLEWARE = [
    "exhume.project.middleware.RequestLogMiddleware",
    "exhume.project.middleware.RefusedFormMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "exhume.project.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "exhume.publication.middleware.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "exhume.access.middleware.PolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "exhume.access.context.policy",
            ],
        },
    },
]

WSGI_APPLICATION = "exhume.project.wsgi.application"

DATABASES = {"default": config.database().as_django()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login hardening: django-axes locks a username from an address after repeated failures;
# sessions end after EXHUME_SESSION_MINUTES without a request, and when the browser closes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = config.env_int("EXHUME_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = config.env_int("EXHUME_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = config.env_int("EXHUME_SESSION_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Staff pages are in English until a reader chooses (the switch on every page, or the browser's
# Accept-Language); the catalogue is compiled by exhume.translations at start-up.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
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
# Photos: the largest upload accepted (a stated limit, checked before the image is read).
EXHUME_PHOTO_MAX_BYTES = config.photo_max_bytes()

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"
