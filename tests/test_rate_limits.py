"""Rate limits per client (pcb_site/rate_limits.py): sign-up and the triage API.

Each request is counted atomically before it is served, so requests sent together cannot
slip past the limit. On real app servers: tests/test_several_app_servers.py.
"""

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from tests.helpers import REPO

pytestmark = pytest.mark.django_db
TRIAGE = "/api/v1/triage/"


def sign_up(username="sky", address="192.0.2.1", password2=None, **extra):
    password = "quiet-harbour-lantern-42"
    data = {"username": username, "password1": password, "password2": password2 or password}
    return Client().post("/accounts/signup/", data, REMOTE_ADDR=address, **extra)


def at_once(count, call):
    start = threading.Barrier(count)

    def run(number):
        start.wait()
        try:
            return call(number)
        finally:
            # The thread's own database connection: left open, it keeps PostgreSQL from
            # dropping the test database at the end.
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def signup_limit(settings):
    settings.SIGNUP_RATE_LIMIT = "3/hour"
    return 3


def test_sign_up_pauses_calmly_for_a_client_past_the_limit(signup_limit):
    # Names taken, passwords that do not match: every try counts, not only new accounts.
    for number in range(signup_limit):
        assert sign_up(f"sky{number}", password2="something-else-43").status_code == 200
    paused = sign_up("sky-again")
    html = paused.content.decode()
    assert paused.status_code == 429
    assert 0 < int(paused["Retry-After"]) <= 3600
    assert "Please wait a little before trying again" in html
    # "1 minute" when the window is about to end, else "N minutes".
    assert re.search(r"You can try again in \d+ minutes?\.", html)
    assert "Traceback" not in html
    assert not get_user_model().objects.exists()


def test_the_sign_up_form_still_shows_and_other_clients_can_sign_up(signup_limit):
    for number in range(signup_limit + 1):
        sign_up(f"sky{number}", password2="something-else-43")
    assert Client().get("/accounts/signup/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert sign_up("meadow", address="192.0.2.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(signup_limit, settings):
    settings.NUM_PROXIES = 0
    for number in range(signup_limit):
        sign_up(f"sky{number}", password2="x", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert sign_up("sky9", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_proxy_each_client_has_its_own_count(signup_limit, settings):
    settings.NUM_PROXIES = 1
    for number in range(signup_limit + 1):
        sign_up(f"sky{number}", password2="x", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert sign_up("meadow", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_one_ipv6_network_of_a_home_counts_as_one_client(signup_limit):
    # A home or a phone is given a whole /64 and may use any address in it.
    for number in range(signup_limit):
        sign_up(f"sky{number}", address=f"2001:db8:1:2::{number + 1}", password2="x")
    assert sign_up("sky9", address="2001:db8:1:2::ff").status_code == 429
    assert sign_up("meadow", address="2001:db8:1:3::1").status_code == 302


@pytest.fixture
def triage_limit(monkeypatch):
    """Ten an hour: a window long enough that a test never straddles two."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"triage": "10/hour"})
    return 10


@pytest.fixture
def cache_across_a_network(monkeypatch):
    """Every cache call waits a while first, as a round trip to a busy Redis does: long
    enough for every other request to come between reading a count and writing it back, as
    they do on real servers, but not into one atomic add or increment."""
    backend = type(caches["default"])
    for name in ("get", "set", "add", "incr", "get_many", "touch"):
        call = getattr(backend, name)
        monkeypatch.setattr(backend, name, slowly(call))


def slowly(call):
    def after_a_round_trip(*args, **kwargs):
        time.sleep(0.05)
        return call(*args, **kwargs)

    return after_a_round_trip


def test_triage_requests_sent_together_stop_at_the_limit(triage_limit, cache_across_a_network):
    def ask(number):
        body = {"age": 30, "amount": "light"}
        return Client().post(TRIAGE, body, content_type="application/json")

    answers = at_once(30, ask)
    assert sum(answer.status_code == 200 for answer in answers) == triage_limit
    refused = [answer for answer in answers if answer.status_code == 429]
    assert len(refused) == 30 - triage_limit
    assert all(0 < int(answer["Retry-After"]) <= 3600 for answer in refused)


def test_sign_ups_sent_together_stop_at_the_limit(signup_limit, cache_across_a_network):
    answers = at_once(12, lambda n: sign_up(f"sky{n}", password2="something-else-43"))
    assert sum(answer.status_code != 429 for answer in answers) == signup_limit


@pytest.mark.parametrize("name", ["SIGNUP_RATE_LIMIT", "TRIAGE_RATE_LIMIT"])
def test_a_rate_not_in_drf_form_stops_the_app(name):
    env = {**os.environ, name: "ten an hour"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"{name} must look like" in result.stderr
