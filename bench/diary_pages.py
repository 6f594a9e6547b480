"""How long the diary's pages and API take in process, with production settings and every
health field encrypted, for a diary of 1,000 episodes; the queries each costs.

Run: .venv/bin/python bench/diary_pages.py              (a throwaway SQLite file in /tmp)
     BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/pcb_bench .venv/bin/python \
         bench/diary_pages.py                            (that database is dropped and made)
     add --profile CASE to print a cProfile of one case, --queries CASE for its SQL;
     BENCH_CACHE_URL=redis://127.0.0.1:6379/N keeps the sessions in that Redis database

Prints, for each case, the median time over 50 requests after warm-up (and the median CPU
time of this process, steadier on a busy machine) and the number of queries of one request:
- the diary home for 1,000 episodes in the last 250 days (all in one year: the worst case
  for a year at a time) and for 1,000 over three years (as bench/load.py seeds them);
- the API list's first page (50 of 1,000);
- POST /api/v1/episodes/ for a person with 3 episodes, for one with 1,000, backdated into
  1,000 over three years, and as bench/load.py's writers post (a token, no profile, two
  episodes before, a body with a note, backdated).
And the cost of one Fernet encrypt and decrypt, to judge encryption at rest against the page
as a whole. Figures in process leave out the web server and the network: compare them
before and after a change, and run the load benchmark (bench/load.py) for requests per
second.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="pcb-bench-"))
postgres = os.environ.get("BENCH_POSTGRES", "")
key_file = ROOT / ".dev" / "diary-encryption-key"
os.environ.update(
    DJANGO_SETTINGS_MODULE="pcb_site.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-only-" + "k3y-nobody-uses-0123456789-abcdefghijklmnopqrstuvwxyz",
    DJANGO_ALLOWED_HOSTS="testserver",
    DATABASE_URL=postgres or f"sqlite:///{scratch / 'bench.sqlite3'}",
    DIARY_ENCRYPTION_KEYS=(
        key_file.read_text().strip()
        if key_file.exists()
        else "PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0="
    ),
    DJANGO_STATIC_ROOT=str(scratch / "static"),
    STATIC_COMPRESS="0",
    # BENCH_CACHE_URL=redis://127.0.0.1:6379/N: sessions cached in Redis, as in production.
    CACHE_URL=os.environ.get("BENCH_CACHE_URL", ""),
)
if postgres:
    # A database of the bench's own, made afresh: never one that holds anything else.
    base, name = postgres.rsplit("/", 1)
    for statement in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import json  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from diary import assessment, encryption, services  # noqa: E402
from diary.accounts.tokens import issue_token  # noqa: E402
from diary.models import Episode  # noqa: E402

RUNS = 50
THREE_YEARS = datetime.timedelta(days=3 * 365)
AMOUNTS = ("spotting", "light", "light", "moderate")


def fill(user, number, every=datetime.timedelta(hours=6)):
    """`number` episodes, one every `every` back from now (6 hours: 1,000 in the last 250
    days; a day and a bit: 1,000 over three years, as bench/load.py seeds them), with a mix
    of levels and some follow-up answers, then assessed as the app would, so that the stored
    assessments are real."""
    Episode.objects.bulk_create(
        Episode(
            owner=user,
            occurred_at=timezone.now() - every * i - datetime.timedelta(hours=1),
            amount=AMOUNTS[i % len(AMOUNTS)],
            symptoms=["fever"] if i % 7 == 0 else [],
            notes="a note of ordinary length, about forty characters",
            assessment_level="routine",
            assessment_reasons=[],
            assessment_rules_version="1",
            follow_up=(
                {"status": "seen", "booked_for": None, "finding": "nothing_found",
                 "answered_at": timezone.now().isoformat()}
                if i % 3 == 0 else None
            ),
        )
        for i in range(number)
    )  # fmt: skip
    assessment.reassess(user)


def signed_in(name, episodes, every=datetime.timedelta(hours=6)):
    user = get_user_model().objects.create_user(name, password="bench-pass-123456")
    fill(user, episodes, every)
    client = Client()
    client.force_login(user)
    return client


def new_episode(moment=None):
    return json.dumps(
        {
            "occurred_at": (moment or timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
            "amount": "light",
            "client_id": str(uuid.uuid4()),
        }
    )


def load_episode(moment):
    """The body bench/load.py's writers post."""
    return json.dumps(
        {
            "client_id": str(uuid.uuid4()),
            "occurred_at": moment.isoformat(),
            "amount": "light",
            "pain_during_sex": "mild",
            "symptoms": ["vaginal_dryness"],
            "lubricant_used": True,
            "notes": "after a long day, a little spotting",
        }
    )


def writer():
    """One of bench/load.py's writers: no profile, two episodes, an API token."""
    user = get_user_model()(username="writer")
    user.set_unusable_password()
    user.save()
    for days in (40, 3):
        values = {"occurred_at": timezone.now() - datetime.timedelta(days=days), "amount": "light"}
        services.log_episode(user, values)
    return Client(), {"HTTP_AUTHORIZATION": f"Token {issue_token(user, 'bench')[1]}"}


def get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return request


def post(client, backdated=None, body=new_episode, **headers):
    """POST a new episode, now or, with `backdated` (a random.Random), at a moment in the
    last three years, as bench/load.py's writers do: then the episodes of the six months
    after it are assessed again."""

    def request():
        moment = None
        if backdated:
            moment = timezone.now() - THREE_YEARS * backdated.random()
        response = client.post(
            "/api/v1/episodes/", body(moment), content_type="application/json", **headers
        )
        assert response.status_code == 201, response.content
        return response

    def undo(response):
        # The person keeps the number of episodes the case is named for, and the history
        # the next request assesses against.
        services.delete_episode(Episode.objects.get(pk=response.json()["id"]))

    request.undo = undo
    return request


def measure(request, runs=RUNS):
    """(median ms, median ms of this process's CPU, queries of one request, one response);
    an `undo` runs untimed. On a busy machine the CPU time is the steadier figure: it leaves
    out time spent waiting for a core (and the database server's own work)."""
    undo = getattr(request, "undo", lambda response: None)
    for _ in range(3):
        undo(request())
    with CaptureQueriesContext(connection) as captured:
        response = request()
    queries = len(captured)  # now: the next request empties the log it reads
    undo(response)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = request()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        undo(response)
    return statistics.median(wall), statistics.median(cpu), queries, response


def per_call_us(function, runs=20000):
    start = time.perf_counter()
    for _ in range(runs):
        function()
    return (time.perf_counter() - start) / runs * 1e6


def main():
    parser = argparse.ArgumentParser()
    cases = ["home", "home3y", "list", "post3", "post1000", "post1000back", "postload"]
    parser.add_argument("--profile", choices=cases, help="print a cProfile of this case")
    parser.add_argument("--queries", choices=cases, help="print the SQL of one request")
    arguments = parser.parse_args()
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    many = signed_in("bench", 1000)
    spread = signed_in("three-years", 1000, every=THREE_YEARS / 1000)
    few = signed_in("few", 3)
    cases = {
        "home": ("diary home, 1,000 in 250 days", get(many, "/diary/")),
        "home3y": ("diary home, 1,000 in 3 years", get(spread, "/diary/")),
        "list": ("API list page 1 (50 of 1,000)", get(many, "/api/v1/episodes/")),
        "post3": ("API POST, 3 episodes before", post(few)),
        "post1000": ("API POST, 1,000 before", post(many)),
        "post1000back": ("API POST, 1,000, backdated", post(spread, random.Random(17))),
    }
    token_client, token = writer()
    cases["postload"] = (
        "API POST as bench/load.py's writers",
        post(token_client, random.Random(17), load_episode, **token),
    )
    if arguments.queries:
        _label, request = cases[arguments.queries]
        request()
        with CaptureQueriesContext(connection) as captured:
            request()
        for query in captured:
            print(query["sql"][:300])
        return
    if arguments.profile:
        import cProfile
        import pstats

        _label, request = cases[arguments.profile]
        request()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            response = request()
            profiler.disable()
            getattr(request, "undo", lambda response: None)(response)
            profiler.enable()
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        )
        stats.print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 60)
        return
    token = encryption.encrypt("moderate")
    print(f"database: {connection.vendor}; medians of {RUNS} requests after 4 to warm up")
    print(f"Fernet encrypt of one field: {per_call_us(lambda: encryption.encrypt('x')):.1f} µs")
    print(f"Fernet decrypt of one field: {per_call_us(lambda: encryption.decrypt(token)):.1f} µs")
    for name, (label, request) in cases.items():
        ms, cpu, queries, response = measure(request)
        size = ""
        if name.startswith("home"):
            import gzip

            size = (
                f", {len(response.content) / 1000:.0f} KB of HTML, "
                f"{len(gzip.compress(response.content)) / 1000:.1f} KB gzipped"
            )
        print(f"{label:32} {ms:6.1f} ms ({cpu:5.1f} ms CPU), {queries:2} queries{size}")


if __name__ == "__main__":
    main()
