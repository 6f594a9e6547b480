"""Every promise on the Privacy page (/privacy/) and the test that holds it.

Each test below quotes its promise. test_every_promise_on_the_page_has_a_test fails when the
page gains a promise that this file does not hold.
"""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from diary import services
from diary.models import Episode, RecoveryCode
from tests.conftest import REPO, episode_values

pytestmark = pytest.mark.django_db

PROMISES = {
    "No email address, phone number or real name": "test_no_email_phone_or_name",
    "No analytics, no advertising, no tracking": "test_no_analytics_and_nothing_from_elsewhere",
    "The symptom check stores nothing": "test_the_symptom_check_stores_nothing",
    "Your username, and your password and recovery code as scrambled copies": (
        "test_passwords_and_recovery_codes_are_hashes"
    ),
    "Your profile answers, if you give them": "test_profile_answers_are_optional",
    "Each episode you log": "test_episode_keeps_time_answers_notes_and_advice",
    "Your notes, every answer in your diary and profile, and the advice are encrypted": (
        "test_answers_notes_and_advice_are_encrypted"
    ),
    "Not encrypted, because the app needs them": "test_only_username_times_and_join_date_plain",
    "Pages with your information are never kept": "test_private_pages_are_never_cached",
    "You are signed out after": "test_signed_out_after_idle_minutes_and_lock_now",
    "After several wrong passwords or recovery codes": "test_sign_in_pauses_after_failures",
    "“Leave quickly” takes you": "test_leave_quickly_goes_to_a_neutral_site",
    "You, when you are signed in. Nobody else can open your diary": (
        "test_nobody_else_can_open_your_diary"
    ),
    "Our server logs record which page was asked for": "test_logs_keep_no_answers",
    "Everything is kept until you delete it": "test_kept_until_deleted",
    "To delete an episode, open it in your diary": "test_deleting_an_episode_removes_it",
    "Downloading your diary and deleting your whole account are not available yet": (
        "test_no_export_or_account_deletion_is_promised"
    ),
    "Only what the app needs to work": "test_only_the_cookies_the_app_needs",
}


def test_every_promise_on_the_page_has_a_test(client):
    html = client.get("/privacy/").content.decode()
    article = html[html.index('<article class="prose">') : html.index("</article>")]
    items = [
        unescape(re.sub(r"<[^>]+>|\s+", " ", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", article, re.S)
    ]
    assert len(items) >= 15
    for item in items:
        assert any(item.startswith(key) for key in PROMISES), f"no test holds: {item}"
    for test_name in PROMISES.values():
        assert test_name in globals(), test_name


def log(owner, **changes):
    return services.log_episode(owner, episode_values(**changes))[0]


# Promise: "No email address, phone number or real name."
# Also held by tests/test_signup.py::test_signup_form_asks_only_username_and_password.
def test_no_email_phone_or_name(client):
    html = client.get("/accounts/signup/").content.decode()
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', html))
    assert names == {"csrfmiddlewaretoken", "username", "password1", "password2"}


# Promise: "No analytics, no advertising, no tracking. No page loads anything from another
# website." Also held by tests/test_pages.py::test_no_page_requests_anything_from_another_origin
# and the Content-Security-Policy asserted in tests/test_http_hardening.py.
def test_no_analytics_and_nothing_from_elsewhere(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"analytics|gtag|googletag|matomo|plausible", response.content.decode())


# Promise: "The symptom check stores nothing."
# Also tests/test_self_check.py::test_nothing_is_stored.
def test_the_symptom_check_stores_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        Client().post("/check/", {"amount": "heavy", "age": "30"})


# Promise: "Your username, and your password and recovery code as scrambled copies (hashes)."
def test_passwords_and_recovery_codes_are_hashes(member, password):
    assert member.password.startswith("argon2$") and password not in member.password
    stored = RecoveryCode.objects.get(user=member).code_hash
    assert stored.startswith("argon2$") and member.plain_recovery_code not in stored


# Promise: "Your profile answers, if you give them." Also tests/test_profile.py.
def test_profile_answers_are_optional(client, member):
    client.force_login(member)
    assert client.post("/diary/profile/", {}).status_code == 302


# Promise: "Each episode you log: when it happened, your answers, your notes, and the advice."
def test_episode_keeps_time_answers_notes_and_advice(member):
    episode = log(member, notes="remember this")
    episode.refresh_from_db()
    assert (episode.amount, episode.notes, episode.assessment_level) == (
        "light",
        "remember this",
        "soon",
    )


# Promise: "Your notes, every answer in your diary and profile, and the advice are encrypted
# before they are stored." Also tests/test_encryption_at_rest.py (SQLite file and pg_dump).
def test_answers_notes_and_advice_are_encrypted(member):
    log(member, notes="remember this")
    encrypted = [f.column for f in Episode._meta.fields if f.get_internal_type() == "TextField"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(encrypted)} FROM diary_episode")
        row = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in row)


# Promise: "Not encrypted, because the app needs them to sort and count your diary: your
# username, the date and time of each episode, and when you joined."
def test_only_username_times_and_join_date_plain():
    from diary.encryption import EncryptedField

    plain = {f.name for f in Episode._meta.fields if not isinstance(f, EncryptedField)}
    assert plain == {
        "id",
        "owner",
        "client_id",
        "occurred_at",
        "assessment_rules_version",
        "created_at",
        "updated_at",
    }


# Promise: "Pages with your information are never kept in shared caches or your browser's
# cache." Also tests/test_http_hardening.py::test_health_pages_and_api_are_never_stored.
def test_private_pages_are_never_cached(client, member):
    client.force_login(member)
    for url in ("/diary/", "/diary/profile/", "/accounts/", "/api/v1/profile/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


# Promise: "You are signed out after 30 minutes without using the app. “Lock now” signs you
# out at once." Also tests/test_http_hardening.py (session age, lock now).
def test_signed_out_after_idle_minutes_and_lock_now(client, member, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(member)
    client.post("/accounts/lock/")
    assert client.get("/diary/").status_code == 302


# Promise: "After several wrong passwords or recovery codes, sign-in pauses for a while, for
# that account and for that device." Held by tests/test_lockout.py and, across two app
# servers sharing Redis, tests/test_lockout_across_servers.py.
def test_sign_in_pauses_after_failures(client, member, password):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "robin", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "robin", "password": password})
    assert response.status_code == 429


# Promise: "“Leave quickly” takes you to a weather website at once, and also signs you out."
# Held in real Chromium by tests/browser/test_quick_exit.py.
def test_leave_quickly_goes_to_a_neutral_site(client):
    html = client.get("/privacy/").content.decode()
    assert 'href="https://www.bbc.co.uk/weather"' in html and "data-quick-exit" in html


# Promise: "Nobody else can open your diary through the app: another person who tries gets
# “page not found”." Held by tests/test_diary_isolation.py and tests/test_api_isolation.py.
def test_nobody_else_can_open_your_diary(member, django_user_model):
    episode = log(member)
    other = Client()
    other.force_login(django_user_model.objects.create_user("sam", password="x-y-z-1234"))
    assert other.get(f"/diary/{episode.pk}/").status_code == 404
    assert other.get(f"/api/v1/episodes/{episode.pk}/").status_code == 404


# Promise: "Our server logs record which page was asked for, but never your answers, notes or
# search words." Held by tests/test_logging_hygiene.py.
def test_logs_keep_no_answers(client, caplog):
    client.get("/learn/search/", {"q": "lighthouse"})
    assert "lighthouse" not in caplog.text


# Promise: "Everything is kept until you delete it." No job ever deletes diary rows: the
# only deletes are the person's own (episode delete) and the cascade from the account.
def test_kept_until_deleted(member):
    episode = log(member)
    episode.occurred_at = timezone.now() - datetime.timedelta(days=3650)
    episode.save()
    assert Episode.objects.filter(pk=episode.pk).exists()


# Promise: "To delete an episode, open it in your diary and choose “Delete”. It is removed
# from the database at once, notes included." Also tests/test_log_episode.py.
def test_deleting_an_episode_removes_it(client, member):
    episode = log(member, notes="delete me")
    client.force_login(member)
    assert "Delete" in client.get(f"/diary/{episode.pk}/").content.decode()
    client.post(f"/diary/{episode.pk}/delete/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM diary_episode")
        assert cursor.fetchone()[0] == 0


# Promise: "Downloading your diary and deleting your whole account are not available yet."
# The page must not promise them until they exist.
def test_no_export_or_account_deletion_is_promised(client):
    from django.urls import Resolver404, resolve

    for path in ("/diary/export/", "/accounts/delete/"):
        with pytest.raises(Resolver404):
            resolve(path)


# Promise: "Only what the app needs to work: one to keep you signed in, one that protects
# forms, one that remembers your time zone, and one for short notices." The time-zone
# cookie is set by static/js/timezone.js, in the browser.
def test_only_the_cookies_the_app_needs(client, member, password):
    seen = set()
    for response in (
        client.get("/accounts/login/"),
        client.post("/accounts/login/", {"username": "robin", "password": password}),
        client.post("/diary/profile/", {"year_of_birth": "1990"}),
        client.get("/diary/"),
        client.post("/accounts/lock/"),
    ):
        seen |= set(response.cookies)
    assert seen <= {"sessionid", "csrftoken", "messages"}
    script = (REPO / "static/js/timezone.js").read_text()
    assert script.count("document.cookie =") == 1 and '"tz="' in script
