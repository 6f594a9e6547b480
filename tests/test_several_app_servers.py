"""Several app servers behind a load balancer: one diary whichever answers, and lockouts,
rate limits and one-account-per-name that hold across them under load.

Starts two gunicorn servers on loopback that share one database and Redis, as two app
servers behind a load balancer would: first with one worker each (2 in all), then with six
each (12). Requests leave threads together, as from many phones at the same moment; each
thread is its own client (its own cookies, and its own address in X-Forwarded-For, which
the servers are told one proxy of theirs sets).
"""

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import redis

from tests.helpers import PASSWORD, REPO
from tests.servers import Phone, free_port, wait_until_up

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Where to make a fresh PostgreSQL database for the servers, as in production and CI;
# without one, a SQLite file.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
LIMIT = 5  # LOGIN_FAILURE_LIMIT, as the servers are given it
TRIAGE_LIMIT = 60  # TRIAGE_RATE_LIMIT=60/min
SIGNUP_LIMIT = 10  # SIGNUP_RATE_LIMIT=10/hour
TAKEN = "A user with that username already exists."


def redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: .ci/run starts one (apt-get install redis-server)")


class Database:
    """A database of the test's own: PostgreSQL when there is one to reach, else a SQLite
    file. `count_accounts` reads it directly, not through the app."""

    def __init__(self, tmp_path):
        self.name = f"pcb_servers_{uuid.uuid4().hex[:12]}"
        try:
            self.admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=2)
        except psycopg.OperationalError:  # no PostgreSQL here: a SQLite file will do
            self.admin = None
            self.url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
            self.path = tmp_path / "shared.sqlite3"
            return
        self.admin.execute(f'CREATE DATABASE "{self.name}"')
        self.url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + self.name

    @property
    def postgres(self):
        return self.admin is not None

    def count_accounts(self, username):
        query = "SELECT count(*) FROM auth_user WHERE upper(username) = upper(%s)"
        if self.postgres:
            with psycopg.connect(self.url) as connection:
                return connection.execute(query, (username,)).fetchone()[0]
        with sqlite3.connect(self.path) as connection:
            return connection.execute(query.replace("%s", "?"), (username,)).fetchone()[0]

    def drop(self):
        if self.postgres:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    redis_or_skip()
    database = Database(tmp_path_factory.mktemp("servers"))
    env = server_environment(database, f"servers-test-setup-{uuid.uuid4().hex}")
    manage = [sys.executable, "manage.py"]
    try:
        subprocess.run([*manage, "migrate", "--noinput"], cwd=REPO, env=env, check=True)
        create = (
            "from django.contrib.auth import get_user_model as m; "
            f"m().objects.create_user('robin', password={PASSWORD!r})"
        )
        subprocess.run(
            [*manage, "shell", "--no-imports", "-c", create], cwd=REPO, env=env, check=True
        )
        yield database
    finally:
        database.drop()


def server_environment(database, prefix):
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_NUM_PROXIES": "1",
        "LOGIN_FAILURE_LIMIT": str(LIMIT),
        "LOGIN_LOCKOUT_MINUTES": "15",
        "TRIAGE_RATE_LIMIT": f"{TRIAGE_LIMIT}/min",
        "SIGNUP_RATE_LIMIT": f"{SIGNUP_LIMIT}/hour",
    }
    env.pop("DJANGO_DEBUG", None)
    return env


class Servers(list):
    """The servers' base URLs, the worker count, and what they share."""

    workers: int
    database: Database
    prefix: str


@pytest.fixture(scope="module", params=[1, 6], ids=["2-workers", "12-workers"])
def servers(request, database):
    workers = request.param
    prefix = f"servers-test-{uuid.uuid4().hex}"
    env = server_environment(database, prefix)
    processes, urls = [], Servers()
    urls.workers, urls.database, urls.prefix = workers, database, prefix
    for _ in range(2):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "pcb_site.wsgi", "-w", str(workers)]
        processes.append(
            subprocess.Popen(
                [*command, "-b", f"127.0.0.1:{port}"],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in processes:
            process.wait(timeout=20)


@pytest.fixture(autouse=True)
def no_counts_left(servers):
    """Each test starts with no lockout or rate count left by the one before."""
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"{servers.prefix}:*"):
        store.delete(key)


def together(count, prepare):
    """prepare(n) for n in 0…count-1, each in its own thread; each returns a function that
    sends one request. The requests leave together, once every thread is ready."""
    ready = threading.Barrier(count)

    def run(number):
        send = prepare(number)
        ready.wait()
        return send()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def log_in(base, password, address="198.51.100.1", username="robin"):
    """A browser's sign-in from one client; the status code at the end."""
    post = Phone(base, address).form("/accounts/login/")
    return post({"username": username, "password": password})[0]


def test_lockout_on_one_server_holds_on_the_other(servers):
    first, second = servers
    assert log_in(second, PASSWORD) == 200  # works, then logs in and lands on home
    for _ in range(LIMIT):
        log_in(first, "wrong-password")
    assert log_in(second, PASSWORD) == 429


def report(servers, what, passed, sent):
    print(f"\n{2 * servers.workers} workers: {what}: {passed} of {sent}")


def test_logins_sent_together_check_no_more_passwords_than_the_limit(servers):
    """Twelve phones, the owner's with the right password: at most five of the eleven wrong
    passwords are checked, whether or not the owner's sign-in comes among them."""

    def prepare(number):
        post = Phone(servers[number % 2], f"198.51.100.{number + 1}").form("/accounts/login/")
        password = PASSWORD if number == 0 else "wrong-password"
        return lambda: post({"username": "robin", "password": password})[0]

    owner, *guesses = together(12, prepare)
    checked = [status for status in guesses if status != 429]
    report(servers, f"wrong logins checked (owner: {owner})", len(checked), len(guesses))
    assert len(checked) <= LIMIT
    assert set(checked) <= {200}  # the form again, saying the password was wrong
    assert owner in (200, 429)  # signed in (home), or refused with the others


def test_one_client_trying_many_accounts_together_is_stopped_at_the_limit(servers):
    def prepare(number):
        post = Phone(servers[number % 2], "203.0.113.1").form("/accounts/login/")
        return lambda: post({"username": f"someone{number}", "password": "wrong-password"})[0]

    statuses = together(12, prepare)
    report(servers, "one client's logins checked", sum(s != 429 for s in statuses), 12)
    assert sum(status != 429 for status in statuses) <= LIMIT


def test_token_requests_sent_together_check_no_more_passwords_than_the_limit(servers):
    def prepare(number):
        phone = Phone(servers[number % 2], f"198.51.100.{number + 1}")
        body = {"username": "robin", "password": f"wrong-password-{number}"}
        return lambda: phone.post_json("/api/v1/auth/token/", body)

    answers = together(40, prepare)
    checked = [status for status, _, _ in answers if status != 429]
    report(servers, "token requests checked", len(checked), len(answers))
    assert len(checked) <= LIMIT
    assert set(checked) <= {400}
    assert all("Try again in 15 minutes" in body for status, _, body in answers if status == 429)


def address_with_time_to_spare(seconds=20, period=60):
    """A client address whose triage window has `seconds` left, so the burst falls in one.

    django-ratelimit counts in fixed windows, each ending at a moment set by the client's
    address (so that not every window ends at once): its own _get_window says when."""
    from django_ratelimit.core import _get_window

    for number in itertools.count(1):
        address = f"203.0.113.{number}"
        if _get_window(address, period) - time.time() >= seconds:
            return address


def test_triage_requests_sent_together_stop_at_the_limit(servers):
    address = address_with_time_to_spare()

    def prepare(number):
        phone = Phone(servers[number % 2], address)
        return lambda: phone.post_json("/api/v1/triage/", {"age": 30, "amount": "light"})

    answers = together(200, prepare)
    answered = sum(status == 200 for status, _, _ in answers)
    report(servers, "triage requests answered", answered, len(answers))
    assert answered <= TRIAGE_LIMIT
    assert {status for status, _, _ in answers} <= {200, 429}
    assert answered > 0


def sign_up(phone_base, username, address, password2=None):
    post = Phone(phone_base, address).form("/accounts/signup/")
    fields = {"username": username, "password1": PASSWORD, "password2": password2 or PASSWORD}
    return lambda: post(fields)


def outcome(answer):
    status, final, body = answer
    if status == 200 and final == "/accounts/recovery-code/":
        return "created"
    if status == 200 and TAKEN in body:
        return "taken"
    return status


@pytest.mark.parametrize("case_variants", [False, True], ids=["same-name", "case-variants"])
def test_sign_ups_of_one_name_sent_together_make_one_account(servers, case_variants):
    name = f"sam{servers.workers}{'x' if case_variants else ''}"
    spellings = [
        "".join(letters)
        for letters in itertools.product(*((ch.lower(), ch.upper()) for ch in name))
    ]
    names = spellings[:10] if case_variants else [name] * 10

    def prepare(number):
        return sign_up(servers[number % 2], names[number], f"198.51.100.{number + 1}")

    outcomes = [outcome(answer) for answer in together(10, prepare)]
    assert sorted(outcomes, key=str) == ["created"] + ["taken"] * 9
    assert servers.database.count_accounts(name) == 1


def test_sign_ups_sent_together_from_one_client_stop_at_the_limit(servers):
    def prepare(number):
        # Passwords that do not match: a refusal, and no account, but each try counts.
        return sign_up(servers[number % 2], f"probe{number}", "203.0.113.2", "no-match-43")

    statuses = [answer[0] for answer in together(30, prepare)]
    report(servers, "sign-ups served", sum(s != 429 for s in statuses), len(statuses))
    assert sum(status != 429 for status in statuses) <= SIGNUP_LIMIT
    assert set(statuses) <= {200, 429}


def test_one_diary_whichever_server_answers(servers):
    """Behind a load balancer any request may reach either server: an account made on one
    signs in on the other, a session started on one is signed in on the other, and an
    episode saved through one is in the diary the other lists."""
    first, second = servers
    username = f"heron-{uuid.uuid4().hex[:8]}"
    password = "quiet-harbour-lantern-42"
    signup = Phone(first, "198.51.100.201").form("/accounts/signup/")
    status, _, page = signup({"username": username, "password1": password, "password2": password})
    assert status == 200 and "recovery code" in page.lower()
    assert log_in(second, password, "198.51.100.202", username) == 200

    # One phone, one cookie jar (cookies do not depend on the port): signed in through the
    # first server, its session is the second's too.
    phone = Phone(first, "198.51.100.203")
    post = phone.form("/accounts/login/")
    assert post({"username": username, "password": password})[0] == 200
    phone.base = second
    status, path, page = phone.open("/diary/")
    assert (status, path) == (200, "/diary/") and ">Lock now</button>" in page

    device = Phone(first, "198.51.100.204")
    status, _, body = device.post_json(
        "/api/v1/auth/token/", {"username": username, "password": password, "name": "Phone"}
    )
    assert status in (200, 201), body
    token = {"Authorization": f"Token {json.loads(body)['token']}"}
    episode = {"occurred_at": "2026-03-14T22:30:00+01:00", "amount": "light"}
    status, _, body = device.open(
        "/api/v1/episodes/",
        json.dumps(episode).encode(),
        {**token, "Content-Type": "application/json"},
    )
    assert status == 201, body
    saved = json.loads(body)["id"]
    device.base = second
    status, _, body = device.open("/api/v1/episodes/", headers=token)
    assert status == 200
    assert [item["id"] for item in json.loads(body)["results"]] == [saved]
