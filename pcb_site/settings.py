"""Settings for the whole site, read from the environment.

One module for every place the app runs. With nothing set it is safe (DEBUG off) and refuses
to start without a real secret key; `make run` supplies development values. Every variable is
listed in the README's configuration table.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from diary.encryption import parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


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
# Fernet keys, newest first (see diary/encryption.py). No key, no start: nothing is ever
# written in plain text as a fallback.
DIARY_ENCRYPTION_KEYS = parse_keys(os.environ.get("DIARY_ENCRYPTION_KEYS"))

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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "knowledge",
    "diary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "pcb_site.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pcb_site.middleware.TimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pcb_site.middleware.NullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the calm "try again later" page.
    "axes.middleware.AxesMiddleware",
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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pcb"),
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss:// or unix://, or be empty; got {CACHE_URL!r}."
    )

# The local-memory cache lives in one process, which is all the embedded default has; with
# several app servers CACHE_URL points at Redis and django-axes' cache check applies.
SILENCED_SYSTEM_CHECKS = (
    ["axes.W001"] if CACHES["default"]["BACKEND"].endswith("LocMemCache") else []
)

# Argon2 first: the strongest hasher Django ships. The others stay so that old hashes still
# verify and are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a login for a locked-out account or client before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins and recovery-code attempts, counted in the cache (shared through Redis when
# there are several app servers). Either an account or a client is locked out after 5
# failures, for 15 minutes after the last one.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "diary.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "pcb_site.middleware.client_ip"
# How many proxies in front of the app append to X-Forwarded-For. 0: trust only the
# socket's address, so a client cannot dodge a limit with a forged header.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions live in the database (cached when a shared cache exists) so any app server can
# serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends after this many minutes without a request (every request renews it), so a
# phone left unlocked does not keep the diary open.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# /favicon.ico and other files browsers expect at the root.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Tests and `runserver` without collectstatic: let WhiteNoise find files in the app folders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)

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
    # /health/ is probed by the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

SECURE_CONTENT_TYPE_NOSNIFF = True
# No page ever tells any site, ours included, where a person came from. Browsers then send
# `Origin: null` on form posts; pcb_site.middleware.NullOriginMiddleware accounts for it.
SECURE_REFERRER_POLICY = "no-referrer"
CSRF_FAILURE_VIEW = "pcb_site.views.csrf_failure"
# Only what the app uses; everything else a page could ask the browser for is off.
PERMISSIONS_POLICY = {
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

# The public triage API's rate per client, in DRF's form ("60/min", "1000/day").
TRIAGE_RATE_LIMIT = os.environ.get("TRIAGE_RATE_LIMIT", "").strip() or "60/min"
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", TRIAGE_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"TRIAGE_RATE_LIMIT must look like 60/min or 1000/day, not {TRIAGE_RATE_LIMIT!r}."
    )

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Session (with CSRF) for the web app; a token for other clients.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_RATES": {"triage": TRIAGE_RATE_LIMIT},
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bleeding after sex: companion API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: no CDN, nothing from another origin.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # pain_during_sex and pain_after share one scale: name it once in the schema.
    "ENUM_NAME_OVERRIDES": {"PainEnum": "knowledge.triage.PAIN"},
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
        "axes": {"level": "WARNING"},
        "markdown_it": {"level": "WARNING"},
    },
}
