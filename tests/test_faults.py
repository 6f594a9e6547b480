"""Faults survived, on real servers: PostgreSQL restarted while episodes are being saved, and
Redis gone while people read, sign in and keep their diary.

gunicorn runs as in production (deploy/gunicorn.conf.py, two workers, DEBUG off) against a
PostgreSQL and a Redis private to this module (tests/servers.py), which the tests stop, kill
and start again; the shared ones stay untouched. Marked `faults`: `pytest -m faults`.
"""

import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from django_ratelimit.core import _get_window

from tests.helpers import PASSWORD
from tests.servers import (
    Gunicorn,
    Phone,
    PrivatePostgres,
    PrivateRedis,
    manage,
    production_environment,
)

pytestmark = pytest.mark.faults

LIMIT = 5  # LOGIN_FAILURE_LIMIT, as the servers are given it
TRIAGE_LIMIT = 5  # TRIAGE_RATE_LIMIT=5/min
WORKERS = 2
# From PostgreSQL accepting connections again to the first episode saved: "within seconds".
RECOVERY_SECONDS = 10
CALM = "Your diary is safe"
EPISODE = {"occurred_at": "2026-03-14T22:30:00+01:00", "amount": "light"}


@dataclass
class Stack:
    postgres: PrivatePostgres
    database_url: str
    redis: PrivateRedis
    server: Gunicorn
    token: str = ""


@pytest.fixture(scope="module")
def stack():
    postgres = PrivatePostgres()
    redis = PrivateRedis()
    server = None
    try:
        postgres.start()
        database_url = postgres.create_database("pcb_faults")
        env = production_environment(
            database_url,
            redis.url,
            CACHE_KEY_PREFIX="faults",
            DJANGO_NUM_PROXIES="1",
            LOGIN_FAILURE_LIMIT=str(LIMIT),
            TRIAGE_RATE_LIMIT=f"{TRIAGE_LIMIT}/min",
        )
        manage(env, "migrate", "--noinput", "-v0")
        create = (
            "from django.contrib.auth import get_user_model as m; "
            f"m().objects.create_user('robin', password={PASSWORD!r})"
        )
        manage(env, "shell", "--no-imports", "-c", create)
        server = Gunicorn(env, workers=WORKERS)
        stack = Stack(postgres, database_url, redis, server)
        status, _, body = Phone(server.url, "198.51.100.200").post_json(
            "/api/v1/auth/token/", {"username": "robin", "password": PASSWORD, "name": "Phone"}
        )
        assert status in (200, 201), body
        stack.token = json.loads(body)["token"]
        yield stack
    finally:
        if server is not None:
            server.close()
        redis.close()
        postgres.close()


def signed_in(base, address):
    phone = Phone(base, address)
    post = phone.form("/accounts/login/")
    status, path, _ = post({"username": "robin", "password": PASSWORD})
    assert (status, path) == (200, "/"), "could not sign in"
    return phone


@dataclass
class Sent:
    client_id: str
    sent: float
    done: float
    status: int
    body: str
    content_type: str
    retry_after: str | None


class Load:
    """Threads saving episodes through the API, each with a client_id of its own, as fast
    as the server answers; every answer is kept."""

    def __init__(self, stack, threads=3):
        self.stack, self.answers, self.stopping = stack, [], threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(threads)]

    def run(self, number):
        phone = Phone(self.stack.server.url, f"198.51.100.{10 + number}")
        auth = {"Authorization": f"Token {self.stack.token}"}
        while not self.stopping.is_set():
            client_id = str(uuid.uuid4())
            sent = time.monotonic()
            status, _, body, headers = phone.answer(
                "/api/v1/episodes/",
                json.dumps({**EPISODE, "client_id": client_id}).encode(),
                {**auth, "Content-Type": "application/json"},
            )
            answer = Sent(
                client_id,
                sent,
                time.monotonic(),
                status,
                body,
                headers.get("Content-Type", ""),
                headers.get("Retry-After"),
            )
            with self.lock:
                self.answers.append(answer)
            if status >= 500:
                time.sleep(0.05)  # a client that waits a little before trying again

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def saved(self):
        with self.lock:
            return [answer for answer in self.answers if 200 <= answer.status < 300]

    def wait_for_saved(self, count, after=0.0, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if sum(answer.sent >= after for answer in self.saved()) >= count:
                return min(a.done for a in self.saved() if a.sent >= after)
            time.sleep(0.05)
        raise AssertionError(f"fewer than {count} episodes saved in {seconds} s")


def test_postgresql_restart_under_load_answers_503_recovers_and_loses_no_saved_episode(stack):
    server = stack.server
    workers = server.workers()
    phone = signed_in(server.url, "198.51.100.100")
    assert phone.open("/diary/")[0] == 200

    with Load(stack) as load:
        load.wait_for_saved(10)
        stack.postgres.stop()
        down = time.monotonic()
        diary = phone.answer("/diary/")
        api = phone.answer("/api/v1/episodes/", headers={"Authorization": f"Token {stack.token}"})
        public = [Phone(server.url).open(path)[0] for path in ("/", "/learn/")]
        time.sleep(3)  # requests go on while it is down
        stack.postgres.start()
        up = time.monotonic()
        recovered = load.wait_for_saved(1, after=up, seconds=RECOVERY_SECONDS + 20)
        load.wait_for_saved(10, after=up)

    answers = load.answers
    statuses = sorted({answer.status for answer in answers})
    print(f"\n{len(answers)} requests, {len(load.saved())} saved, statuses {statuses}")
    print(f"down {up - down:.1f} s; first episode saved {recovered - up:.2f} s after it was up")
    unexpected = [(a.status, a.body[:200]) for a in answers if a.status not in (201, 503)]
    assert not unexpected
    refused = [answer for answer in answers if answer.status == 503]
    assert refused, "no request reached the server while the database was down"
    for answer in refused:
        assert answer.content_type == "application/json"
        assert answer.retry_after == "60"
        assert "try again in a minute" in json.loads(answer.body)["detail"]
    # Recovered by itself, within seconds, with no worker restarted.
    assert recovered - up <= RECOVERY_SECONDS
    assert server.process.poll() is None and server.workers() == workers

    # Pages while it was down: calm, no trace of the fault; the public ones need no database.
    status, _, page, headers = diary
    assert status == 503 and CALM in page and "try again in a minute" in page
    assert 'href="tel:112"' in page and "Leave quickly" in page
    assert headers["Retry-After"] == "60" and "no-store" in headers["Cache-Control"]
    for word in ("Traceback", "OperationalError", "psycopg", str(stack.postgres.port)):
        assert word not in page
    assert api[0] == 503 and api[3]["Content-Type"] == "application/json"
    assert public == [200, 200]

    # Every episode acknowledged with a 2xx is in the database.
    acknowledged = {answer.client_id for answer in load.saved()}
    with psycopg.connect(stack.database_url) as connection:
        rows = connection.execute("SELECT client_id::text FROM diary_episode").fetchall()
    assert acknowledged <= {client_id for (client_id,) in rows}
    log = server.log()
    assert " 500 " not in log
    # One warning per worker for the outage; Django's own line for each 503 besides.
    warnings = [line for line in log.splitlines() if "The database cannot be reached" in line]
    assert 1 <= len(warnings) <= WORKERS, warnings


def address_with_time_to_spare(seconds=30, period=60):
    """A client address whose triage window has `seconds` left, so the requests fall in one
    (django-ratelimit's windows end at a moment set by the address)."""
    for number in itertools.count(1):
        address = f"203.0.113.{number}"
        if _get_window(address, period) - time.time() >= seconds:
            return address


def test_with_redis_gone_pages_sign_in_diary_and_api_work_and_limits_hold(stack):
    server = stack.server
    auth = {"Authorization": f"Token {stack.token}"}
    phone = signed_in(server.url, "198.51.100.101")  # its session is cached in Redis
    stack.redis.kill()
    try:
        for path in ("/", "/learn/", "/check/"):
            assert Phone(server.url, "198.51.100.102").open(path)[0] == 200, path
        status, path, page = phone.open("/diary/")
        assert (status, path) == (200, "/diary/") and ">Lock now</button>" in page
        assert signed_in(server.url, "198.51.100.103").open("/diary/")[0] == 200

        # A new account's recovery code is shown, once, though the cache cannot keep it.
        newcomer = Phone(server.url, "198.51.100.106")
        post = newcomer.form("/accounts/signup/")
        status, path, page = post(
            {"username": "wren", "password1": PASSWORD, "password2": PASSWORD}
        )
        assert (status, path) == (200, "/accounts/recovery-code/")
        assert re.search(r"data-recovery-code>", page), "no recovery code shown"
        assert "data-recovery-code>" not in newcomer.open("/accounts/recovery-code/")[2]

        api = Phone(server.url, "198.51.100.104")
        status, _, body = api.post_json("/api/v1/episodes/", EPISODE, auth)
        assert status == 201, body
        saved = json.loads(body)["id"]
        status, _, body = api.open("/api/v1/episodes/", headers=auth)
        assert status == 200 and saved in [item["id"] for item in json.loads(body)["results"]]

        # The lockout holds in each worker: at most WORKERS x LIMIT wrong passwords are
        # checked, however the requests are shared out between the workers.
        guesser = Phone(server.url, "203.0.113.250")
        guesses = []
        for _ in range(WORKERS * LIMIT + 2):
            post = guesser.form("/accounts/login/")
            guesses.append(post({"username": "sparrow", "password": "wrong-password"})[0])
        assert set(guesses) <= {200, 429}
        assert guesses.count(200) <= WORKERS * LIMIT and 429 in guesses

        triage = Phone(server.url, address_with_time_to_spare())
        body = {"age": 30, "amount": "light"}
        answers = [triage.post_json("/api/v1/triage/", body)[0] for _ in range(12)]
        assert set(answers) <= {200, 429}
        assert 0 < answers.count(200) <= WORKERS * TRIAGE_LIMIT and 429 in answers
    finally:
        stack.redis.start()

    log = server.log()
    assert " 500 " not in log
    # One warning per worker for the outage, naming no key, address or person.
    warnings = [line for line in log.splitlines() if "The cache (Redis) cannot be reached" in line]
    assert 1 <= len(warnings) <= WORKERS, warnings
    assert not any(word in line for line in warnings for word in ("robin", "sparrow", "203.0"))

    # Back: the cache is used again, with no restart.
    deadline = time.monotonic() + 15
    while not stack.redis.client().dbsize() and time.monotonic() < deadline:
        Phone(server.url, "198.51.100.105").post_json("/api/v1/triage/", body)
        time.sleep(0.2)
    assert stack.redis.client().dbsize() > 0
