"""Settings of the IOC, read from the environment with safe defaults for the embedded run.

Embedded default: SQLite (WAL) and a SQLite task store in IOC_DATA_DIR, no other service.
Production: IOC_ENV=production, DATABASE_URL (PostgreSQL), REDIS_URL, SMTP, HTTPS.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ioc.lib.env import env_bool, env_int, env_list, env_str, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("IOC_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

IOC_ENV = env_str("IOC_ENV", "demo").lower()
if IOC_ENV not in {"demo", "development", "production"}:
    raise ImproperlyConfigured(f"IOC_ENV={IOC_ENV!r}: use demo, development or production.")
PRODUCTION = IOC_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("IOC_TESTING")

SECRET_KEY = env_str("SECRET_KEY") or read_or_create_secret(DATA_DIR / "secret_key")
DEBUG = env_bool("IOC_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "ioc.accounts",
    "ioc.core",
    "ioc.feedback",
    "ioc.monitoring",
    "ioc.alerts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ninja",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ioc.accounts.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ioc.accounts.middleware.RequireTwoFactorMiddleware",
    "ioc.core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ioc.urls"
WSGI_APPLICATION = "ioc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ioc" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ioc.core.context_processors.ioc",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgresql://user@host/db).")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ioc.sqlite3",
            # Keep each worker's connection: opening one re-reads the schema and starts with a cold page cache,
            # which cost more than the rest of a small request (Open311 intake: 169 → 240 reports/s).
            "CONN_MAX_AGE": env_int("IOC_DB_CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE avoids upgrade deadlocks.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs (huey) -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("IOC_HUEY_NAME", "ioc"),
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": env_int("IOC_WORKERS", 2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "ioc.lib.sqlite_queue.SqliteQueue",
        "name": "ioc",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": env_int("IOC_WORKERS", 2), "worker_type": "thread"},
    }
# Tests run tasks at once (huey's immediate mode keeps them in memory); tests/test_queue.py
# round-trips a task through the configured storage itself.

MQTT_URL = env_str("MQTT_URL")
# The ingester's MQTT client id: its persistent session on the broker. Two installations must not share one.
MQTT_CLIENT_ID = env_str("MQTT_CLIENT_ID", "ioc-ingest-mqtt")
# Monitoring: raw sensor readings older than this many days are deleted nightly; the rollups stay.
IOC_READINGS_RETENTION_DAYS = env_int("IOC_READINGS_RETENTION_DAYS", 400)
IOC_PUSH_MAX_ROWS = env_int("IOC_PUSH_MAX_ROWS", 50000)  # rows per push request
IOC_UPLOAD_MAX_BYTES = env_int("IOC_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)  # data files uploaded by agencies
IOC_PULL_TIMEOUT = env_int("IOC_PULL_TIMEOUT", 20)  # seconds, scheduled pulls of data sources
IOC_PULL_MAX_BYTES = env_int("IOC_PULL_MAX_BYTES", 20 * 1024 * 1024)
IOC_CAP_SENDER = env_str("IOC_CAP_SENDER", "ioc@bacninh.gov.vn")  # <sender> of the CAP alerts

# Cache (rate limits, computed statistics): Redis when configured, else files shared by all local processes.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "ioc.lib.redis_cache.ReusingRedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "ioc"}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # One SQLite file shared by every process of the embedded run (see ioc/lib/sqlite_cache.py).
    CACHES = {"default": {"BACKEND": "ioc.lib.sqlite_cache.SQLiteCache", "LOCATION": str(DATA_DIR / "cache.sqlite3"),
                          "OPTIONS": {"MAX_ENTRIES": 200_000}}}

# --- Accounts and security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:public_home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ioc.accounts.backends.UsernameOrEmailBackend",
]
AXES_FAILURE_LIMIT = env_int("IOC_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IOC_LOCKOUT_MINUTES", 15))
# Lock per account: a whole office behind one NAT address must not be locked out by one person (axes.W006).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("IOC_PROXY_COUNT", 0) or None

# Staff must use a second factor in production; in the demo it is offered, and enforced for
# accounts that enrolled a device.
IOC_REQUIRE_2FA_FOR_STAFF = env_bool("IOC_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = env_str("IOC_OTP_ISSUER", "IOC Bắc Ninh")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("IOC_SESSION_HOURS", 12) * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

HTTPS = env_bool("IOC_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("IOC_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("IOC_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("IOC_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

MAP_TILE_URL = env_str("IOC_MAP_TILE_URL")  # empty: maps draw shipped outlines only, no tile server
_tile_origin = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_parts.scheme}://{_parts.netloc}".replace("://a.", "://*.")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ioc_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# build/vendor holds the front-end packages copied from node_modules by scripts/copy_vendor.py.
STATICFILES_DIRS = [BASE_DIR / "ioc" / "static", ("vendor", BASE_DIR / "build" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

# --- E-mail and other channels --------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    # The demo writes each message to a file: nothing leaves the machine.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IOC Bắc Ninh <noreply@ioc.bacninh.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS and Zalo OA gateways: "console" logs, "file" writes to IOC_DATA_DIR/outbox, "http" posts JSON to a URL.
IOC_SMS_BACKEND = env_str("IOC_SMS_BACKEND", "file")
IOC_SMS_URL = env_str("IOC_SMS_URL")
IOC_ZALO_BACKEND = env_str("IOC_ZALO_BACKEND", "file")
IOC_ZALO_URL = env_str("IOC_ZALO_URL")
IOC_ZALO_TOKEN = env_str("IOC_ZALO_TOKEN")

# --- Open311 ---------------------------------------------------------------------------------------
IOC_OPEN311_RATE_LIMIT = env_int("IOC_OPEN311_RATE_LIMIT", 600)  # reports per minute per API key
IOC_OPEN311_CONTACT = env_str("IOC_OPEN311_CONTACT")
IOC_OPEN311_KEY_SERVICE = env_str("IOC_OPEN311_KEY_SERVICE")

# --- The province ---------------------------------------------------------------------------------
IOC_PROVINCE_CODE = env_str("IOC_PROVINCE_CODE", "24")  # Bắc Ninh in the 2025 list
# Absolute address of the site, for links in e-mail, SMS and Zalo messages (e.g. https://ioc.bacninh.gov.vn).
IOC_SITE_URL = env_str("IOC_SITE_URL").rstrip("/")
IOC_SITE_NAME = env_str("IOC_SITE_NAME")  # empty: the translated default name of the centre

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("IOC_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # A handler of its own (not propagated): the consumer (run_huey) then adds none, and each line shows once.
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

SILENCED_SYSTEM_CHECKS = ["axes.W006"] + ([] if PRODUCTION else ["security.W004", "security.W008", "security.W012", "security.W016"])
