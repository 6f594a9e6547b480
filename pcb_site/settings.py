"""Settings for the whole site, read from the environment.

One module for every place the app runs. With nothing set it is safe (DEBUG off) and refuses
to start without a real secret key; `make run` supplies development values. Every variable is
listed in the README's configuration table.
"""

import datetime
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pcb_site.static_headers import add_security_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """A switch: 1/true/yes/on or 0/false/no/off. Anything else stops the app, naming the
    variable: a typo such as DJANGO_HTTPS=ture must never quietly mean "off"."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1, true, yes, on or 0, false, no, off; not {value!r}."
    )


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_rate(name, default):
    """A rate in DRF's form: 60/min, 10/hour, 1000/day."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 60/min or 10/hour, not {value!r}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG")
if DEBUG and env_bool("DJANGO_HTTPS"):
    # Debug pages show settings, request data and stack frames: never where real people are.
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on together with DJANGO_HTTPS.")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (
    "django-insecure-local-development-only" if DEBUG else ""
)
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    # A weak key lets anyone forge sessions and password-reset tokens: refuse rather than run.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when "
        "DJANGO_DEBUG is off. Generate one with: python -c 'from django.core.management.utils "
        "import get_random_secret_key as k; print(k())'"
    )

# Health data is encrypted with its own keys, separate from the secret key: comma-separated
# Fernet keys, newest first. No usable key, no start: diary/encryption.py checks them (a
# Django system check) before anything runs.
DIARY_ENCRYPTION_KEYS = env_list("DIARY_ENCRYPTION_KEYS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "knowledge",
    "diary",
    "diary.accounts",
]

MIDDLEWARE = [
    # First: a kept public page is sent as it was kept, headers and all (pcb_site/page_cache.py).
    "pcb_site.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "pcb_site.middleware.DatabaseUnavailableMiddleware",
    "pcb_site.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pcb_site.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pcb_site.middleware.TimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pcb_site.urls"

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
                "pcb_site.context_processors.site",
            ],
        },
    },
]

# Our field template: label, hint, error and control in the order screen readers expect.
FORM_RENDERER = "pcb_site.forms.FormRenderer"

WSGI_APPLICATION = "pcb_site.wsgi.application"

# Absent DATABASE_URL: the embedded default, a SQLite file next to the code, so the app runs
# anywhere with no set-up. Production: DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

# Absent CACHE_URL: local memory (one process). With several app servers the cache must be
# shared, so production sets CACHE_URL=redis://host:6379/0.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache, failing safe while Redis cannot be reached: sessions from
            # the database, counts in each process (pcb_site/cache.py says which way and why).
            "BACKEND": "pcb_site.cache.FailSafeRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pcb"),
            # Seconds. Redis answers in well under a millisecond on a LAN: a Redis that does
            # not answer costs at most these, once per process every few seconds.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss:// or unix://, or be empty; got {CACHE_URL!r}."
    )

# How long each app server keeps a finished public page for people who are not signed in
# (pcb_site/page_cache.py); 0 turns it off. Kept only in the process's memory, so a deploy
# empties it.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# Argon2 first: the strongest hasher Django ships. The others stay so that old hashes still
# verify and are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# No UserAttributeSimilarityValidator: we collect no personal information (no name, no
# email), only a username people are told to make up, so its help text ("too similar to your
# other personal information") could only puzzle them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One backend: it counts each attempt against the lockout before the password is checked,
# and finds the username whatever its case (diary/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["diary.accounts.backends.AccountBackend"]

# Attempts with a password or a recovery code, counted in the cache (shared through Redis
# when there are several app servers) before each is checked: each account and each client
# has 5, then none until 15 minutes after the latest (diary/accounts/lockout.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT.total_seconds() < 60:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be 1 or more.")

# How many proxies in front of the app append to X-Forwarded-For. 0: trust only the
# socket's address, so a client cannot dodge a limit with a forged header.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions live in the database (cached when a shared cache exists) so any app server can
# serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends after this many minutes without a request, so a phone left unlocked does not
# keep the diary open. Requests renew it at most once a minute
# (pcb_site.middleware.SessionRenewalMiddleware), so it ends up to a minute early, never late.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
# Each named in its own language, as the switch at the foot of every page shows it.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# The language someone chose (pcb_site/language.py): kept a year, sent over HTTPS only where
# the site is, and not to other sites' requests. It says which language, nothing else.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
# A day in a list or a short answer, in each language (pcb_site/formats/).
FORMAT_MODULE_PATH = ["pcb_site.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Tests give each parallel worker a folder of its own (tests/environment.py).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names (cached for a year) outside DEBUG. WhiteNoise also writes a gzip and a Brotli
# copy of each file at collectstatic, which costs about 30 s of CPU (Swagger UI and ReDoc are
# large); the test suite collects once per worker and serves nothing over a network, so it
# sets STATIC_COMPRESS=0 (tests/environment.py) and keeps the same names without the copies.
if DEBUG:
    STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif env_bool("STATIC_COMPRESS", True):
    STATIC_STORAGE = "pcb_site.static_storage.CompressedManifestStorage"
else:
    STATIC_STORAGE = "pcb_site.static_storage.ManifestStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": STATIC_STORAGE},
}
# /favicon.ico and other files browsers expect at the root.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Tests and `runserver` without collectstatic: let WhiteNoise find files in the app folders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)
# WhiteNoise answers before the CSP middleware runs: static files get the pages' policy from
# here, and are for our own pages only (no "Access-Control-Allow-Origin: *").
WHITENOISE_ADD_HEADERS_FUNCTION = add_security_headers
WHITENOISE_ALLOW_ALL_ORIGINS = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# HTTPS: one switch for a deployment behind a TLS-terminating proxy.
HTTPS = env_bool("DJANGO_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # /health/ is probed by the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

SECURE_CONTENT_TYPE_NOSNIFF = True
# Django's default: no other site is told which page a person came from, and our own form
# posts carry their origin, which Django's CSRF check needs on every browser
# (docs/referrer-policy.md says why not "no-referrer").
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "pcb_site.views.csrf_failure"
# Only what the app uses; everything else a page could ask the browser for is off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics",
        "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "web-share", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every page is our own: no script, style, font or image from anywhere else, and nothing
# inline, so an injected tag cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Requests per client, counted atomically in the cache (pcb_site/rate_limits.py): the public
# triage API, and sign-up attempts (each form sent, taken names included), so that one
# client can neither probe for names nor make accounts in bulk. Ten sign-ups an hour let
# three or four people at one shared address (a library, a clinic's wifi) sign up in the
# same hour, each with a mistake or two on the way.
TRIAGE_RATE_LIMIT = env_rate("TRIAGE_RATE_LIMIT", "60/min")
SIGNUP_RATE_LIMIT = env_rate("SIGNUP_RATE_LIMIT", "10/hour")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, refused with a 400 when nested deeper than any request of ours, and a body
    # over DATA_UPLOAD_MAX_MEMORY_SIZE answered with a JSON 413 (pcb_site/api_parsers.py).
    "DEFAULT_PARSER_CLASSES": ["pcb_site.api_parsers.DepthLimitedJSONParser"],
    "EXCEPTION_HANDLER": "pcb_site.api_parsers.exception_handler",
    # Session (with CSRF) for the web app; a token for other clients.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "diary.accounts.tokens.DeviceTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_RATES": {"triage": TRIAGE_RATE_LIMIT},
    "NUM_PROXIES": NUM_PROXIES,
}

# API tokens, one per device (django-rest-knox): only a SHA-512 digest is stored, each
# expires, and the account page lists and revokes them.
KNOX_TOKEN_MODEL = "accounts.DeviceToken"
# knox's own migrations would create a table for the model ours replaces, with a foreign key
# to the users that nothing uses: knox is run without migrations, and has no table.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    # A device that asks for token after token (a script in a loop) cannot fill the table.
    "TOKEN_LIMIT_PER_USER": 20,
}

# The name people see in the header and the browser tab. Neutral by default, so that a tab
# list or a lock screen reveals nothing about bleeding or sex; page titles are only this
# name unless DISCREET_TITLES is turned off.
SITE_NAME = os.environ.get("SITE_NAME", "").strip() or "Harbour"
DISCREET_TITLES = env_bool("DISCREET_TITLES", default=True)
# "Leave quickly" replaces the page with this neutral site.
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "").strip() or "https://www.bbc.co.uk/weather"
if not QUICK_EXIT_URL.startswith("https://"):
    raise ImproperlyConfigured("QUICK_EXIT_URL must be an https:// address.")


def files_hash(*folders):
    """A short digest of every file under these folders (names and contents, never dates),
    so that any change of code, templates, content or static files gives another value,
    and every app server running the same code computes the same one."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                try:
                    content = path.read_bytes()
                except FileNotFoundError:  # an editor's temporary file, gone since listed
                    continue
                digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + content)
    return digest.hexdigest()[:12]


# Names the service worker's caches (harbour-<release>-static, -pages): a new release makes
# every phone fetch the new files into new caches before the old ones are dropped.
RELEASE = os.environ.get("RELEASE", "").strip() or files_hash(
    "pcb_site", "knowledge", "diary", "templates", "static", "locale"
)
if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", RELEASE):
    raise ImproperlyConfigured(
        f"RELEASE must be 1 to 64 letters, digits, dots, dashes or underscores, not {RELEASE!r}."
    )

# The docs page's tab and a saved schema's file name show the title: as neutral as the site.
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: no CDN, nothing from another origin.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # pain_during_sex and pain_after share one scale: name it once in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PainEnum": "knowledge.triage.PAIN",
        # The facts an assessment can rest on (diary.assessment.ALTERNATIVES).
        "FactEnum": "diary.your_data.importing.FACTS",
    },
}

# Every handler drops query strings from logged addresses: a filter of the diary or a
# search could say something about someone's health.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "pcb_site.logging.RedactQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "markdown_it": {"level": "WARNING"},
    },
}
