"""Qingyuan settings, read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qingyuan.core.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    replica_from_url,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QINGYUAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("QINGYUAN_DEBUG", False)
SECRET_KEY = env_str("QINGYUAN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("QINGYUAN_INSECURE_DEV_KEY", True):
        raise ImproperlyConfigured("QINGYUAN_SECRET_KEY must be set when QINGYUAN_INSECURE_DEV_KEY=0.")
    SECRET_KEY = "qingyuan-insecure-development-key-change-me"  # noqa: S105 — flagged by check qingyuan.W001
ALLOWED_HOSTS = env_list("QINGYUAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("QINGYUAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "ninja",  # so /api/v1/docs serves Swagger UI from ninja's static files, not a CDN page with an inline script
    "qingyuan.core",
    "qingyuan.org",
    "qingyuan.enterprises",
    "qingyuan.monitoring", "qingyuan.ingest", "qingyuan.simulator",
    "qingyuan.plans",
    "qingyuan.tasks",
    "qingyuan.inspections",
    "qingyuan.complaints",
    "qingyuan.quality",
    "qingyuan.alarms",
    "qingyuan.loads", "qingyuan.sections",
    "qingyuan.cockpit",
    "qingyuan.assessment",
    "qingyuan.briefings",
    "qingyuan.closures", "qingyuan.compensation",
    "qingyuan.meetings",
    "qingyuan.supervision", "qingyuan.surveys", "qingyuan.portal",
    "qingyuan.demo",
]

MIDDLEWARE = [
    "qingyuan.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qingyuan.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qingyuan.urls"
WSGI_APPLICATION = "qingyuan.wsgi.application"
ASGI_APPLICATION = "qingyuan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qingyuan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qingyuan.core.context_processors.navigation",
                "qingyuan.org.context_processors.nav",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(_database_url, base_dir=BASE_DIR)
    if _database_url
    else sqlite_database(VAR_DIR / "qingyuan.sqlite3")
}
# A hot standby (streaming replication) for the reads of pages marked @reads_from_replica: the cockpit,
# the public portal, exports. Unset: every query goes to the primary. See docs/deployment.md.
_replica_url = env_str("QINGYUAN_DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = replica_from_url(_replica_url, primary=DATABASES["default"], base_dir=BASE_DIR)
DATABASE_ROUTERS = ["qingyuan.core.dbrouter.ReplicaRouter"]
# Seconds the standby may be behind the primary before those reads fall back to the primary.
QINGYUAN_REPLICA_MAX_LAG_S = env_int("QINGYUAN_REPLICA_MAX_LAG_S", 30, minimum=0, maximum=86400)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache every process shares without a new service (anti-spam counters, login throttling);
# the table is created by core's migration 0003.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingyuan_cache",
        # The public portal's pages, its per-address rate counters and the cockpit's figures share it:
        # Django's default of 300 entries would let a crawler's counters evict the cached pages.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes, see qingyuan/core/throttle.py): an account locks after
# QINGYUAN_LOGIN_FAILURE_LIMIT failures, an address after QINGYUAN_LOGIN_ADDRESS_LIMIT, for the cool-off.
# A success does not reset the counts (it would let one valid account clear its address's count).
AXES_HANDLER = "qingyuan.core.throttle.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # order matters to the handler
# Days of hourly values the demo seeds, counted back from yesterday (0: the whole story of 13 months).
# The test suite seeds 35 (qingyuan/conftest.py): the county story's own test seeds them all.
QINGYUAN_DEMO_HOURLY_DAYS = env_int("QINGYUAN_DEMO_HOURLY_DAYS", 0, minimum=0, maximum=3660)
# Seconds the cockpit may show load figures computed before the latest measurements while the worker
# recomputes them (qingyuan/loads/cache.py); an edit of a target, baseline or status shows at once.
QINGYUAN_FIGURES_MAX_LAG = env_int("QINGYUAN_FIGURES_MAX_LAG", 120, minimum=0, maximum=3600)
AXES_FAILURE_LIMIT = env_int("QINGYUAN_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
QINGYUAN_LOGIN_ADDRESS_LIMIT = env_int("QINGYUAN_LOGIN_ADDRESS_LIMIT", 20, minimum=1, maximum=10000)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("QINGYUAN_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=1440))
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "qingyuan.core.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qingyuan.core.throttle.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a reverse proxy only: the header the proxy sets to the client address (X-Forwarded-For, X-Real-IP).
QINGYUAN_CLIENT_IP_HEADER = env_str("QINGYUAN_CLIENT_IP_HEADER", "")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "qingyuan" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("QINGYUAN_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "qingyuan" / "static"]
MEDIA_ROOT = Path(env_str("QINGYUAN_MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = True

# Base-map tiles for the Leaflet maps (complaints, patrols); empty: boundary and markers only, works offline.
QINGYUAN_MAP_TILE_URL = env_str("QINGYUAN_MAP_TILE_URL", "")
QINGYUAN_MAP_TILE_ORIGIN = "/".join(QINGYUAN_MAP_TILE_URL.split("/")[:3]) if "://" in QINGYUAN_MAP_TILE_URL else ""

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("QINGYUAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTTPS, switched on only by the environment (docs/deploy/production.env), so the demo runs on plain http.
SECURE_SSL_REDIRECT = env_bool("QINGYUAN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("QINGYUAN_HSTS_SECONDS", 0, minimum=0, maximum=2 * 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("QINGYUAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("QINGYUAN_HSTS_PRELOAD", False)
# Trust X-Forwarded-Proto only behind a TLS proxy that sets it (and strips a client's own).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("QINGYUAN_BEHIND_TLS_PROXY", False) else None

# Content-Security-Policy (django-csp): scripts only from our own static files, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"] + ([QINGYUAN_MAP_TILE_ORIGIN] if QINGYUAN_MAP_TILE_ORIGIN else []),
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = env_str("QINGYUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("QINGYUAN_FROM_EMAIL", "qingyuan@localhost")
EMAIL_HOST = env_str("QINGYUAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("QINGYUAN_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("QINGYUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("QINGYUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("QINGYUAN_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("QINGYUAN_EMAIL_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of QINGYUAN_EMAIL_STARTTLS and QINGYUAN_EMAIL_SSL.")

QINGYUAN_PAGE_SIZE = env_int("QINGYUAN_PAGE_SIZE", 25, minimum=5, maximum=500)
QINGYUAN_IMPORT_MAX_ROWS = env_int("QINGYUAN_IMPORT_MAX_ROWS", 5000, minimum=1)
QINGYUAN_API_TOKEN_DAYS = env_int("QINGYUAN_API_TOKEN_DAYS", 30, minimum=1, maximum=3650)
QINGYUAN_API_TOKEN_MAX = env_int("QINGYUAN_API_TOKEN_MAX", 10, minimum=1, maximum=1000)
QINGYUAN_WORKER_STEPS: list[str] = []
QINGYUAN_WORKER_IDLE_SECONDS = env_int("QINGYUAN_WORKER_IDLE_SECONDS", 5, minimum=1, maximum=3600)
# Hours after its end that a day of readings/raw packets is closed and may be compacted (docs/storage.md).
QINGYUAN_COMPACT_AFTER_HOURS = env_int("QINGYUAN_COMPACT_AFTER_HOURS", 48, minimum=0, maximum=24 * 366)
# Retention tiers (docs/storage.md "Retention and legal hold"): days of real-time and minute readings and of raw
# packets kept; hour and day readings never expire. Held days (open or closed cases) never expire.
QINGYUAN_RETAIN_REALTIME_DAYS = env_int("QINGYUAN_RETAIN_REALTIME_DAYS", 366, minimum=3, maximum=36600)
QINGYUAN_RETAIN_MINUTE_DAYS = env_int("QINGYUAN_RETAIN_MINUTE_DAYS", 2192, minimum=3, maximum=36600)
QINGYUAN_RETAIN_RAW_DAYS = env_int("QINGYUAN_RETAIN_RAW_DAYS", 2192, minimum=3, maximum=36600)

LOG_LEVEL = env_choice("QINGYUAN_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Times in TIME_ZONE with the offset, like gunicorn's lines (qingyuan.core.logformat).
    "formatters": {"plain": {"()": "qingyuan.core.logformat.ZonedFormatter", "zone": TIME_ZONE,
                             "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
