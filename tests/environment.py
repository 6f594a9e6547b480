"""Test-only environment, loaded as a pytest plugin (`-p tests.environment`).

pytest-django imports the settings before any conftest.py runs, so values the settings
require must be in the environment earlier than a fixture could set them.
"""

import os
import urllib.parse
from pathlib import Path

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789abcdefghij"
)
# live_server and sync Playwright share one thread with the ORM in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A test-only encryption key (never used anywhere else).
os.environ.setdefault("DIARY_ENCRYPTION_KEYS", "PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0=")

# Under pytest-xdist each worker ("gw0", "gw1", …) is a process of its own that must not
# touch another's files or cache: every test empties the cache, and with Redis that empties
# the whole database. Set here, not defaulted: workers inherit the environment of the process
# that starts them, and subprocesses a test starts (gunicorn) inherit these values.
worker = os.environ.get("PYTEST_XDIST_WORKER", "")
number = int(worker.removeprefix("gw")) if worker else 0
REPO = Path(__file__).resolve().parent.parent
os.environ["DJANGO_STATIC_ROOT"] = str(REPO / "test-artifacts" / "static" / (worker or "main"))
# Hashed names as in production, without WhiteNoise's compressed copies (pcb_site/settings.py).
os.environ["STATIC_COMPRESS"] = "0"


def own_redis_database(url):
    """redis://host:6379/0 -> redis://host:6379/<0 + the worker's number>."""
    parts = urllib.parse.urlsplit(url)
    database = int(parts.path.strip("/") or 0) + number
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


redis_cache = os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://"))
# The two gunicorn servers of tests/test_several_app_servers.py use this worker's
# database, so no other worker empties it while they count failed logins.
os.environ["TEST_REDIS_URL"] = own_redis_database(
    os.environ.get("TEST_REDIS_URL")
    or (os.environ["CACHE_URL"] if redis_cache else "redis://127.0.0.1:6379/0")
)
if redis_cache:
    os.environ["CACHE_URL"] = own_redis_database(os.environ["CACHE_URL"])
