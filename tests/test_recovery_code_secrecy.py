"""A new recovery code is never stored in plain text on its way to the page that shows it:
the session holds a reference, the cache holds it encrypted for a few minutes, and showing
it deletes it. While the cache cannot keep it (Redis down), the session holds it encrypted,
for the same few minutes, and the code is still shown once."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache

from diary.accounts import recovery
from diary.accounts.views import SESSION_KEY

pytestmark = pytest.mark.django_db
CODE = re.compile(r"[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}")


def sign_up(client):
    password = "quiet-harbour-lantern-42"
    client.post(
        "/accounts/signup/",
        {"username": "robin", "password1": password, "password2": password},
    )


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key).session_data


def page_text(client):
    html = client.get("/accounts/recovery-code/").content.decode()
    return re.sub(r"<[^>]+>", "", html)


def shown_code(client):
    match = CODE.search(page_text(client))
    return match.group(0) if match else None


def test_the_session_and_the_cache_hold_no_plain_code(client):
    sign_up(client)
    reference = client.session[SESSION_KEY]["reference"]
    held = cache.get(f"recovery-code-to-show:{reference}")
    raw_session = stored_session(client)
    decoded = str(client.session.items())
    code = shown_code(client)
    assert code
    for stored in (reference, held, raw_session, decoded):
        assert code not in stored
        assert recovery.normalise(code) not in stored


def test_showing_the_code_deletes_it(client):
    sign_up(client)
    reference = client.session[SESSION_KEY]["reference"]
    assert shown_code(client)
    assert cache.get(f"recovery-code-to-show:{reference}") is None
    assert SESSION_KEY not in client.session
    assert shown_code(client) is None


def test_a_code_not_shown_within_minutes_is_gone(client, monkeypatch):
    monkeypatch.setattr(recovery, "SHOW_WITHIN_SECONDS", 1)
    sign_up(client)
    reference = client.session[SESSION_KEY]["reference"]
    assert cache.get(f"recovery-code-to-show:{reference}")
    cache.touch(f"recovery-code-to-show:{reference}", 0)  # as if the minutes had passed
    page = page_text(client)
    assert "Your recovery code was shown once" in page
    assert not CODE.search(page)


@pytest.fixture
def cache_down(monkeypatch):
    """The cache as FailSafeRedisCache is while Redis is down: writes dropped, reads miss."""
    monkeypatch.setattr(recovery, "cache", DummyCache("down", {}))


def test_while_the_cache_is_down_the_new_code_is_still_shown_once(client, cache_down):
    sign_up(client)
    raw_session, decoded = stored_session(client), str(client.session.items())
    code = shown_code(client)
    assert code
    assert recovery.user_for_recovery_code("robin", code)
    for stored in (raw_session, decoded):
        assert code not in stored
        assert recovery.normalise(code) not in stored
    assert SESSION_KEY not in client.session
    assert shown_code(client) is None


def test_while_the_cache_is_down_a_code_not_shown_within_minutes_is_gone(
    client, cache_down, monkeypatch
):
    monkeypatch.setattr(recovery, "SHOW_WITHIN_SECONDS", -1)  # as if the minutes had passed
    sign_up(client)
    page = page_text(client)
    assert "Your recovery code was shown once" in page
    assert not CODE.search(page)
