"""Test-only environment, loaded as a pytest plugin (`-p tests.environment`).

pytest-django imports the settings before any conftest.py runs, so values the settings
require must be in the environment earlier than a fixture could set them.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789abcdefghij"
)
# live_server and sync Playwright share one thread with the ORM in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A test-only encryption key (never used anywhere else).
os.environ.setdefault("DIARY_ENCRYPTION_KEYS", "PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0=")
