"""Settings come from the environment, are safe by default, and pass `check --deploy`."""

import os
import subprocess
import sys

import pytest

from tests.helpers import REPO

STRONG_KEY = "k8#v2Lq!x9Zr@4tWm7Nf$3hYp6Bd*1Gs%5Jc&0Ru^8Ea(2Ki)9Ho-Vy"


def run_django(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("CACHE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    missing = run_django(["check"])
    assert missing.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in missing.stderr

    weak = run_django(["check"], DJANGO_SECRET_KEY="django-insecure-short")
    assert weak.returncode != 0
    assert "DJANGO_SECRET_KEY" in weak.stderr


def test_debug_is_off_unless_set():
    shell = "from django.conf import settings; print(settings.DEBUG)"
    result = run_django(["shell", "--no-imports", "-c", shell], DJANGO_SECRET_KEY=STRONG_KEY)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "switch, storage",
    [
        ({}, "pcb_site.static_storage.CompressedManifestStorage"),
        ({"STATIC_COMPRESS": "0"}, "pcb_site.static_storage.ManifestStorage"),
    ],
)
def test_production_serves_compressed_static_files_unless_told_not_to(switch, storage):
    """Only the test suite turns compression off (tests/environment.py)."""
    env = {k: v for k, v in os.environ.items() if k != "STATIC_COMPRESS"}
    shell = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", shell],
        cwd=REPO,
        env={**env, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": STRONG_KEY, **switch},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == storage, result.stderr


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/0"])
def test_check_deploy_is_clean_with_https_switched_on(cache_url):
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_HTTPS="1",
        DJANGO_NUM_PROXIES="1",
        CACHE_URL=cache_url,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_database_and_cache_come_from_urls():
    shell = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE']); "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    default = run_django(
        ["shell", "--no-imports", "-c", shell], DJANGO_SECRET_KEY=STRONG_KEY
    ).stdout.split()
    assert default == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
    production = run_django(
        ["shell", "--no-imports", "-c", shell],
        DJANGO_SECRET_KEY=STRONG_KEY,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/pcb",
        CACHE_URL="redis://127.0.0.1:6379/0",
    ).stdout.split()
    assert production == [
        "django.db.backends.postgresql",
        "pcb_site.cache.FailSafeRedisCache",  # Django's RedisCache, failing safe
    ]


def test_an_unknown_cache_url_is_a_clear_start_up_error():
    result = run_django(["check"], DJANGO_SECRET_KEY=STRONG_KEY, CACHE_URL="memcached://x")
    assert result.returncode != 0
    assert "CACHE_URL must start with" in result.stderr


@pytest.mark.parametrize(
    "name, extra",
    [
        ("DJANGO_HTTPS", {}),
        ("DJANGO_DEBUG", {}),
        ("DISCREET_TITLES", {}),
        ("WHITENOISE_USE_FINDERS", {}),
        ("DJANGO_SSL_REDIRECT", {"DJANGO_HTTPS": "1"}),
        ("DJANGO_HSTS_PRELOAD", {"DJANGO_HTTPS": "1"}),
    ],
)
def test_a_mistyped_switch_stops_the_app_naming_the_variable(name, extra):
    result = run_django(["check"], DJANGO_SECRET_KEY=STRONG_KEY, **extra, **{name: "ture"})
    assert result.returncode != 0
    assert f"{name} must be one of 1, true, yes, on or 0, false, no, off" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value, expected", [("off", "False"), ("No", "False"), ("ON", "True")])
def test_switches_read_every_spelling_they_promise(value, expected):
    shell = "from django.conf import settings; print(settings.DISCREET_TITLES)"
    result = run_django(
        ["shell", "--no-imports", "-c", shell], DJANGO_SECRET_KEY=STRONG_KEY, DISCREET_TITLES=value
    )
    assert result.stdout.strip() == expected, result.stderr


def test_the_settings_import_nothing_from_the_apps():
    code = (
        "import os, sys; os.environ['DJANGO_SECRET_KEY'] = sys.argv[1]; "
        "import pcb_site.settings; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('diary', 'knowledge')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, STRONG_KEY], cwd=REPO, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["manage.py", "check", "--deploy"],
        ["manage.py", "runserver", "--noreload", "127.0.0.1:0"],
        ["-c", "import pcb_site.asgi"],
        ["-c", "import pcb_site.wsgi"],
    ],
    ids=["check-deploy", "runserver", "asgi", "wsgi"],
)
def test_every_way_of_starting_checks_the_diary_keys(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="example.org",
        DIARY_ENCRYPTION_KEYS="not-a-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.pop("CACHE_URL", None)
    result = subprocess.run(
        [sys.executable, *command], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DIARY_ENCRYPTION_KEYS: key number 1 is not a Fernet key" in result.stderr
    assert "Traceback" not in result.stderr
