"""The shared cache failing safe (pcb_site/cache.py): with Redis down, cut off or hanging,
reads miss, writes do nothing, counts go on in the process, and the site keeps working with
its lockout and rate limits; when Redis answers again, nothing stale is read from it.

In process, against a port where nothing listens, a socket that never answers, and a
redis-server of the module's own that is paused and resumed (tests/servers.py). Gunicorn
servers with Redis killed: tests/test_faults.py.
"""

import logging
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from pcb_site import cache as fail_safe
from tests.helpers import PASSWORD
from tests.servers import PrivateRedis, free_port

TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.3}


def use_cache(settings, location):
    """Make the site's cache a FailSafeRedisCache at `location`, with a prefix of its own (a
    process keeps one outage state per Redis and prefix)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pcb_site.cache.FailSafeRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"fail-safe-{uuid.uuid4().hex[:8]}",
            "OPTIONS": TIMEOUTS,
        }
    }
    return caches["default"]


@pytest.fixture
def redis_down(settings):
    """Nothing listens on the port: connections are refused, as when Redis has crashed."""
    return use_cache(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture(scope="module")
def private_redis():
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.close()


def test_reads_miss_and_writes_do_nothing_in_milliseconds(redis_down):
    started = time.monotonic()
    assert redis_down.get("session", "missing") == "missing"
    for _ in range(100):
        redis_down.set("session", {"user": 1}, 60)
        assert redis_down.get("session") is None
        assert redis_down.get_many(["session", "other"]) == {}
        assert not redis_down.has_key("session")
        assert redis_down.delete("session") is False
        assert redis_down.set_many({"a": 1, "b": 2}) == ["a", "b"]  # not set, as Django says
    assert time.monotonic() - started < 1.0


def test_counts_go_on_in_the_process(redis_down):
    assert redis_down.add("count", 1, 60) is True
    assert redis_down.add("count", 1, 60) is False
    assert redis_down.incr("count") == 2
    assert redis_down.touch("count", 60) is True
    assert redis_down.decr("count") == 1
    with pytest.raises(ValueError):
        redis_down.incr("no-such-count")
    assert [fail_safe.add_one(redis_down, "window", 60) for _ in range(3)] == [1, 2, 3]


def test_one_warning_per_outage_naming_no_key_and_no_server(redis_down, caplog, monkeypatch):
    monkeypatch.setattr(fail_safe, "RETRY_SECONDS", 0)  # every call tries Redis, and fails
    caplog.set_level(logging.INFO, logger="pcb_site.cache")
    for _ in range(20):
        redis_down.get("django.contrib.sessions.cached_dbsecret-session-key")
        fail_safe.add_one(redis_down, "lockout:account:abc", 60)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "cannot be reached" in message
    location = redis_down._servers[0]
    assert "secret-session-key" not in message and location.split(":")[-1] not in message


@pytest.mark.django_db
def test_signing_in_and_the_diary_work_with_redis_down(redis_down, django_user_model):
    django_user_model.objects.create_user("robin", password=PASSWORD)
    client = Client()
    response = client.post("/accounts/login/", {"username": "robin", "password": PASSWORD})
    assert response.status_code == 302
    # The session was read back from the database: the cache kept nothing.
    diary = client.get("/diary/")
    assert diary.status_code == 200 and ">Lock now</button>" in diary.content.decode()


@pytest.mark.django_db
def test_the_lockout_still_holds_with_redis_down(redis_down, django_user_model, settings):
    django_user_model.objects.create_user("robin", password=PASSWORD)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        wrong = client.post("/accounts/login/", {"username": "robin", "password": "wrong-43"})
        assert wrong.status_code == 200
    # In one process the count is exact: past the limit, even the right password waits.
    right = client.post("/accounts/login/", {"username": "robin", "password": PASSWORD})
    assert right.status_code == 429


@pytest.mark.django_db
def test_the_triage_rate_limit_still_holds_with_redis_down(redis_down, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"triage": "10/hour"})
    body = {"age": 30, "amount": "light"}
    statuses = [
        Client().post("/api/v1/triage/", body, content_type="application/json").status_code
        for _ in range(12)
    ]
    assert statuses == [200] * 10 + [429] * 2


def test_a_redis_that_never_answers_costs_one_timeout_then_nothing(settings):
    """Connections accepted (by the kernel) but never answered, as from a Redis that hangs
    or a network that drops packets: one timeout, then no waiting until the retry."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        cache = use_cache(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        assert cache.get("session") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(100):
            assert cache.get("session") is None
            fail_safe.add_one(cache, "window", 60)
        after = time.monotonic() - started
    assert first < 2 and after < 0.5, (first, after)


def test_other_redis_errors_are_not_hidden(settings, private_redis):
    cache = use_cache(settings, private_redis.url)
    private_redis.client().lpush(cache.make_key("a-list"), "x")
    with pytest.raises(redis.ResponseError):
        cache.incr("a-list")


def test_when_redis_answers_again_nothing_stale_is_read(settings, private_redis, monkeypatch):
    """Cut off, not restarted, Redis keeps its data: a session ended during the outage must
    not come back from the copy Redis still holds."""
    monkeypatch.setattr(fail_safe, "RETRY_SECONDS", 0.5)
    cache = use_cache(settings, private_redis.url)
    cache.set("session", "signed in", 600)
    fail_safe.add_one(cache, "window", 60)
    private_redis.pause()
    try:
        assert cache.delete("session") is False  # signed out: Redis did not hear of it
        assert cache.get("session") is None
        assert fail_safe.add_one(cache, "window", 60) == 1  # counted here meanwhile
    finally:
        private_redis.resume()
    # A paused Redis still runs the DEL waiting in its socket when it resumes; a network cut
    # loses it. The copy a cut-off Redis would still hold:
    private_redis.client().set(
        cache.make_key("session"), cache._cache._serializer.dumps("signed in")
    )
    time.sleep(0.6)
    assert cache.get("session") is None
    assert private_redis.client().get(cache.make_key("session")) is None
    assert fail_safe.add_one(cache, "window", 60) == 2  # Redis's count again
    cache.set("session", "new", 600)
    assert cache.get("session") == "new"


def test_counting_in_redis_is_atomic_and_every_count_expires(settings, private_redis):
    cache = use_cache(settings, private_redis.url)
    start = threading.Barrier(30)

    def count(_):
        start.wait()
        return fail_safe.add_one(caches["default"], "window", 2)

    with ThreadPoolExecutor(30) as pool:
        counts = sorted(pool.map(count, range(30)))
    assert counts == list(range(1, 31))
    assert 0 < private_redis.client().ttl(cache.make_key("window")) <= 2
    time.sleep(2.1)
    assert fail_safe.add_one(cache, "window", 2) == 1
