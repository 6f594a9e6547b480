"""How long the diary's pages take with every health field encrypted, on this machine.

Run: .venv/bin/python bench/diary_pages.py   (uses a throwaway SQLite file in /tmp)

Prints the median time of the history page, an episode page and the API list for a diary
of 1,000 episodes, and the cost of one Fernet encrypt and decrypt, so the price of
encryption at rest can be judged against the page as a whole.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="pcb_site.settings",
    DJANGO_DEBUG="1",
    DATABASE_URL=f"sqlite:///{database}",
    DIARY_ENCRYPTION_KEYS="PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0=",
    DJANGO_ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from diary import encryption  # noqa: E402
from diary.models import Episode  # noqa: E402

call_command("migrate", verbosity=0)
user = get_user_model().objects.create_user("bench", password="bench-pass-123456")
Episode.objects.bulk_create(
    Episode(
        owner=user,
        occurred_at=timezone.now() - datetime.timedelta(hours=6 * i + 1),
        amount="light",
        symptoms=["fever"],
        notes="a note of ordinary length, about forty characters",
        assessment_level="routine",
        assessment_reasons=["unexplained_bleeding"],
        assessment_rules_version="1",
    )
    for i in range(1000)
)
client = Client()
client.force_login(user)
episode = Episode.objects.first()


def median_ms(url, runs=30):
    client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def per_call_us(function, runs=20000):
    start = time.perf_counter()
    for _ in range(runs):
        function()
    return (time.perf_counter() - start) / runs * 1e6


token = encryption.encrypt("moderate")
print(f"Fernet encrypt of one field: {per_call_us(lambda: encryption.encrypt('moderate')):.1f} µs")
print(f"Fernet decrypt of one field: {per_call_us(lambda: encryption.decrypt(token)):.1f} µs")
print(f"history page, 1,000 episodes: {median_ms('/diary/'):.1f} ms (median of 30)")
print(f"episode page:                 {median_ms(f'/diary/{episode.pk}/'):.1f} ms (median of 30)")
print(f"API list, 50 per page:        {median_ms('/api/v1/episodes/'):.1f} ms (median of 30)")
