"""Every promise on the Privacy page (/privacy/) and the test that holds it.

Each test below quotes its promise. test_every_promise_on_the_page_has_a_test fails when the
page gains a promise that this file does not hold.
"""

import contextlib
import datetime
import http.cookiejar
import io
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from diary import services
from diary.accounts.models import RecoveryCode
from diary.models import Episode, Profile
from tests.helpers import REPO, episode_values

pytestmark = pytest.mark.django_db
YEARS_AGO = datetime.timedelta(days=3650)

PROMISES = {
    "No email address, phone number or real name": "test_no_email_phone_or_name",
    "No analytics, no advertising, no tracking": "test_no_analytics_and_nothing_from_elsewhere",
    "The symptom check stores nothing": "test_the_symptom_check_stores_nothing",
    "Your username, and your password and recovery code as scrambled copies": (
        "test_passwords_and_recovery_codes_are_hashes"
    ),
    "Your profile answers, if you give them": "test_profile_answers_are_optional",
    "Each episode you log": "test_episode_keeps_time_answers_notes_and_advice",
    "If an app on another device signs in to your account": (
        "test_a_device_is_kept_by_name_and_its_token_as_a_digest"
    ),
    "An app on another device stays signed in for at most 30 days": (
        "test_devices_expire_are_listed_and_signed_out"
    ),
    "Your notes, every answer in your diary and profile, and the advice are encrypted": (
        "test_answers_notes_and_advice_are_encrypted"
    ),
    "Not encrypted, because the app needs them": "test_only_username_times_and_join_date_plain",
    "You are signed out after": "test_signed_out_after_idle_minutes_and_lock_now",
    "After several wrong passwords or recovery codes": "test_sign_in_pauses_after_failures",
    "“Leave quickly” takes you": "test_leave_quickly_goes_to_a_neutral_site",
    "Your browser keeps a history of the addresses": "test_browser_keeps_page_addresses",
    "Your search words are never part of an address": "test_search_words_never_in_an_address",
    "Every page shown while you are signed in, your search results": (
        "test_private_pages_are_never_cached"
    ),
    "Information pages you read without signing in can be kept": (
        "test_public_pages_can_be_cached"
    ),
    "So that it works without a connection, the app keeps on this device": (
        "test_what_the_app_keeps_for_offline_use_is_public"
    ),
    "An episode you log without a connection waits on this device": (
        "test_an_episode_logged_offline_waits_sealed_and_leaves_once_sent"
    ),
    "You, when you are signed in. Nobody else can open your diary": (
        "test_nobody_else_can_open_your_diary"
    ),
    "Our server logs record which page was asked for": "test_logs_keep_no_answers",
    "Everything is kept until you delete it": "test_kept_until_deleted",
    "To delete an episode, open it in your diary": "test_deleting_an_episode_removes_it",
    "Automatic deletion is off unless you turn it on": (
        "test_automatic_deletion_is_off_until_chosen_and_never_under_6_months"
    ),
    "To delete your whole account": "test_deleting_the_account_removes_everything_at_once",
    "You can download your whole diary (JSON and CSV)": "test_the_diary_can_be_downloaded",
    "What is deleted is gone from the live database at once": (
        "test_sqlite_overwrites_deleted_content"
    ),
    "Backups, where the people who run this server keep them": (
        "test_a_copy_of_the_database_holds_answers_and_notes_only_encrypted"
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
    # The page's own form; the language switch at its foot is every page's.
    form = html.split("<main", 1)[1].split("</main>", 1)[0]
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', form))
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
    answers = {"amount": "light", "age": "30", "red_flag_symptoms": ["fever"], "country": "GB"}
    with django_assert_num_queries(0):
        response = Client().post("/check/", answers, follow=True)
    html = response.content.decode()
    # The result page, not the form sent back with an error: the answers were assessed.
    assert [t.name for t in response.templates][0] == "knowledge/check_result.html"
    assert "<h1>Your answer</h1>" in html and 'action="/diary/from-check/"' in html
    assert "sessionid" not in response.cookies


# Promise: "Your username, and your password and recovery code as scrambled copies (hashes)."
@pytest.mark.argon2
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
        row = dict(zip(encrypted, cursor.fetchone(), strict=True))
    # The follow-up stays empty (NULL) until the person answers it.
    assert [column for column, value in row.items() if value is None] == ["follow_up"]
    assert all(value.startswith("gAAAAA") for value in row.values() if value is not None)


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


# Promise: "Every page shown while you are signed in, your search results and your symptom
# check answers are never kept in shared caches or your browser's cache." Every address the
# app has: tests/test_no_store.py; what Chromium keeps on disk:
# tests/browser/test_browser_history.py.
def test_private_pages_are_never_cached(client, member):
    assert (
        "no-store" in client.post("/learn/search/", {"q": "polyps"}, follow=True)["Cache-Control"]
    )
    answers = {"amount": "light", "age": "30", "country": "GB"}
    assert "no-store" in client.post("/check/", answers, follow=True)["Cache-Control"]
    client.force_login(member)
    for url in ("/", "/learn/cervical-polyps/", "/diary/", "/accounts/", "/api/v1/profile/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


# Promise: "You are signed out after 30 minutes without using the app. “Lock now” signs you
# out at once." Also tests/test_http_hardening.py (session age, lock now).
def test_signed_out_after_idle_minutes_and_lock_now(client, member, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 1800
    assert settings.SESSION_RENEW_SECONDS <= 60  # ends up to a minute early, never late
    client.force_login(member)
    client.post("/accounts/lock/")
    assert client.get("/diary/").status_code == 302


# Promise: "If an app on another device signs in to your account: the name you give that
# device, when it signed in and when it last used your diary. Its key (a token) is kept only
# as a scrambled copy." Also tests/test_device_tokens.py.
def test_a_device_is_kept_by_name_and_its_token_as_a_digest(member, password):
    from rest_framework.test import APIClient

    answer = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "robin", "password": password, "name": "Kitchen tablet"},
        format="json",
    )
    token = answer.json()["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_devicetoken")
        (row,) = cursor.fetchall()
    stored = [str(value) for value in row]
    assert "Kitchen tablet" in stored
    assert all(token not in value for value in stored)


# Promise: "An app on another device stays signed in for at most 30 days. Your account page
# lists every such device and signs out any or all of them, and a new password signs them
# all out." Also tests/test_device_tokens.py and tests/browser/test_devices_browser.py.
def test_devices_expire_are_listed_and_signed_out(client, member, password):
    from diary.accounts.models import DeviceToken
    from diary.accounts.tokens import issue_token

    device, _token = issue_token(member, "Kitchen tablet")
    assert device.expiry <= timezone.now() + datetime.timedelta(days=30)
    client.force_login(member)
    assert "Kitchen tablet" in client.get("/accounts/").content.decode()
    client.post(f"/accounts/devices/{device.digest}/revoke/")
    assert not DeviceToken.objects.exists()
    issue_token(member, "Old phone")
    issue_token(member, "Laptop")
    client.post("/accounts/devices/revoke-all/")
    assert not DeviceToken.objects.exists()
    issue_token(member, "Work phone")
    new = "another-quiet-harbour-77"
    client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert not DeviceToken.objects.exists()


# Promise: "After several wrong passwords or recovery codes, sign-in pauses for a while, for
# that account and for that device." Held by tests/test_lockout.py and, across two app
# servers sharing Redis, tests/test_several_app_servers.py.
def test_sign_in_pauses_after_failures(client, member, password):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "robin", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "robin", "password": password})
    assert response.status_code == 429


# Promise: "“Leave quickly” takes you to a weather website at once, and also signs you out. It
# does not clear your browser's history." Held in real Chromium by
# tests/browser/test_quick_exit.py, where Back still finds the diary's address (and only the
# sign-in page behind it). Every page says so beside the hint on how to leave.
def test_leave_quickly_goes_to_a_neutral_site(client):
    html = client.get("/privacy/").content.decode()
    assert 'href="https://www.bbc.co.uk/weather"' in html and "data-quick-exit" in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert "Leaving quickly does not clear your browser's history" in unescape(footer)


# Promise: "Your browser keeps a history of the addresses of the pages you open … An address
# can say what a page is about: the page on polyps is at /learn/cervical-polyps/." True while
# knowledge pages are addressed by their topic (docs/browser-history.md says why they are).
# In real Chromium: tests/browser/test_browser_history.py reads the address from History.
def test_browser_keeps_page_addresses(client):
    from knowledge.pages import all_pages

    html = client.get("/privacy/").content.decode()
    assert "/learn/cervical-polyps/" in html
    assert "<h1>Cervical polyps</h1>" in client.get("/learn/cervical-polyps/").content.decode()
    assert all(page.url == f"/learn/{slug}/" for slug, page in all_pages().items())


# Promise: "Your search words are never part of an address, so they are not in that
# history." Also tests/test_knowledge_pages.py::test_no_search_words_in_any_address and, in
# Chromium's History file, tests/browser/test_browser_history.py.
def test_search_words_never_in_an_address(client):
    form = client.get("/learn/").content.decode()
    assert '<form class="search-form" method="post" action="/learn/search/"' in form
    results = client.post("/learn/search/", {"q": "lighthouse polyps"}, follow=True)
    assert "found for “lighthouse polyps”" in results.content.decode()
    old_bookmark = client.get("/learn/search/?q=lighthouse+polyps")
    assert old_bookmark["Location"] == "/learn/search/"


# Promise: "Information pages you read without signing in can be kept in your browser's
# cache, as on any website." Also tests/test_no_store.py and
# tests/test_http_hardening.py::test_public_knowledge_pages_may_be_cached.
def test_public_pages_can_be_cached(client):
    response = client.get("/learn/cervical-polyps/")
    assert "no-store" not in response.get("Cache-Control", "")


# Promise: "Nobody else can open your diary through the app: another person who tries gets
# “page not found”." Held by tests/test_diary_isolation.py and tests/test_api_isolation.py.
def test_nobody_else_can_open_your_diary(member, django_user_model):
    episode = log(member)
    other = Client()
    other.force_login(django_user_model.objects.create_user("sam", password="x-y-z-1234"))
    assert other.get(f"/diary/{episode.pk}/").status_code == 404
    assert other.get(f"/api/v1/episodes/{episode.pk}/").status_code == 404


# Promise: "Our server logs record which page was asked for, but never your answers, notes or
# search words." Also tests/test_logging_hygiene.py. This reads what the console log handler
# writes, after its filters, for requests to the server `manage.py runserver` starts: its
# request line, a 404, a refused form and a 500 all log the address. gunicorn's access log
# leaves query strings out by its format (deploy/gunicorn.conf.py).
def test_logs_keep_no_answers(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.ROOT_URLCONF = "tests.error_urls"  # adds /broken/, which raises
    answers = {"amount": "heavy", "red_flag_symptoms": "shoulder_tip_pain"}
    answers |= {"recent_procedure": "cervix_treatment"}
    with console_log() as log, runserver() as base:
        fetch(base + "/learn/search/?q=lighthouse")
        fetch(base + "/learn/no-such-page/?q=lighthouse")
        fetch(base + "/broken/?q=lighthouse")
        fetch(base + "/diary/new/", answers)  # no CSRF token: refused, and logged
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        result = fetch(base + "/check/", answers, opener=opener)
        found = fetch(base + "/learn/search/", {"q": "lighthouse"}, opener)
    written = log.getvalue()
    for line in ("GET /learn/search/?", "Not Found: /learn/no-such-page/", "Internal Server"):
        assert line in written, f"expected in the log: {line}"
    # Each POST is answered at the plain visit it redirects to (knowledge/handover.py).
    assert "care-card-emergency" in result
    assert "found for" in found
    for path in ("/check/", "/learn/search/"):
        assert f'POST {path} HTTP/1.1" 303' in written and f'GET {path} HTTP/1.1" 200' in written
    assert "Forbidden (CSRF" in written
    for answer in ("lighthouse", "shoulder_tip_pain", "cervix_treatment"):
        assert answer not in written, answer


@contextlib.contextmanager
def console_log():
    """What the console handler of settings.LOGGING writes, filters applied."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        handler.setStream(previous)


@contextlib.contextmanager
def runserver():
    """The server and request handler of `manage.py runserver`, on a free loopback port."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def fetch(url, data=None, opener=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with (opener or urllib.request.build_opener()).open(url, body, timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


# Promise: "Everything is kept until you delete it." Using the diary for years (logging,
# changing, reading, the profile, a new recovery code, signing out, re-encrypting, clearing
# expired sessions) sends no DELETE to a diary or account table; the person's own "Delete"
# does, which shows the watch below sees deletes.
def test_kept_until_deleted(client, member, password):
    from django.core.management import call_command

    old = log(member, notes="ten years ago", occurred_at=timezone.now() - YEARS_AGO)
    kept_tables = {model._meta.db_table for model in (Episode, Profile, RecoveryCode, type(member))}
    deletes = []

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("DELETE"):
            deletes.append(sql)
        return execute(sql, params, many, context)

    def post(url, data=None):
        assert client.post(url, data or {}).status_code == 302, url  # done, not refused

    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    episode = {"occurred_at": moment, "amount": "light", "pain_during_sex": "none"}
    episode |= {"pain_after": "none", "faint": "no", "pregnancy": "no", "clots": "none"}
    episode |= {"recent_procedure": "none"}
    with connection.execute_wrapper(watch):
        post("/accounts/login/", {"username": "robin", "password": password})
        post("/diary/new/", episode)
        new = Episode.objects.exclude(pk=old.pk).get()
        post(f"/diary/{new.pk}/edit/", {**episode, "amount": "heavy"})
        for url in ("/diary/", f"/diary/{old.pk}/", "/api/v1/episodes/", "/accounts/"):
            assert client.get(url).status_code == 200, url
        post("/diary/profile/", {"year_of_birth": "1990"})
        post("/accounts/recovery-code/new/", {"password": password})
        post("/accounts/lock/")
        call_command("reencrypt_diary", stdout=io.StringIO())
        call_command("clearsessions")
        touched = [sql for sql in deletes if any(table in sql for table in kept_tables)]
        assert touched == []
        assert Episode.objects.filter(owner=member).count() == 2
        assert Profile.objects.filter(user=member).exists()
        assert RecoveryCode.objects.filter(user=member).exists()

        client.force_login(member)
        post(f"/diary/{old.pk}/delete/")
    assert any(Episode._meta.db_table in sql for sql in deletes)
    assert not Episode.objects.filter(pk=old.pk).exists()


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


# Promise: "Automatic deletion is off unless you turn it on in your account. You can choose
# to delete episodes older than 6, 12 or 24 months: never less than 6 ... Older episodes are
# deleted when you save the choice and whenever you open your diary, and each night by the
# server where it runs its scheduled clean-up."
# The exact boundary, the command and the refusals: tests/test_auto_delete.py.
def test_automatic_deletion_is_off_until_chosen_and_never_under_6_months(client, member):
    from django.core.management import call_command

    from diary.assessment import months_before

    old = log(member, occurred_at=timezone.now() - YEARS_AGO)
    client.force_login(member)
    client.get("/diary/")
    call_command("delete_old_episodes", stdout=io.StringIO())
    assert Episode.objects.filter(pk=old.pk).exists()  # off: kept

    assert client.post("/accounts/auto-delete/", {"auto_delete_months": "3"}).status_code == 400
    assert Profile.objects.get(user=member).auto_delete_months is None
    client.post("/accounts/auto-delete/", {"auto_delete_months": "6"})
    assert not Episode.objects.filter(pk=old.pk).exists()  # deleted on saving the choice

    by_the_job = log(member, occurred_at=months_before(timezone.now(), 7))
    call_command("delete_old_episodes", stdout=io.StringIO())
    on_opening = log(member, occurred_at=months_before(timezone.now(), 7))
    client.get("/diary/")
    assert not Episode.objects.filter(pk__in=[by_the_job.pk, on_opening.pk]).exists()


# Promise: "To delete your whole account, choose “Delete your account” in your account and
# enter your password. Your episodes, profile, username, password, recovery code and every
# sign-in ... are removed from the database at once, in one step." Every table is walked in
# tests/test_account_deletion.py.
def test_deleting_the_account_removes_everything_at_once(client, member, password):
    from django.contrib.sessions.models import Session

    from diary.accounts.models import DeviceToken
    from diary.accounts.tokens import issue_token

    log(member, notes="delete me")
    services.get_or_create_profile(member)
    issue_token(member, "Phone")
    assert client.post("/accounts/login/", {"username": "robin", "password": password})
    assert 'href="/accounts/delete/"' in client.get("/accounts/").content.decode()
    assert "Delete your account" in client.get("/accounts/").content.decode()

    client.post("/accounts/delete/", {"password": password})

    for model in (Episode, Profile, RecoveryCode, DeviceToken, type(member), Session):
        assert not model.objects.exists(), model


# Promise: "You can download your whole diary (JSON and CSV) from your account page, for
# example before you delete it." The exports themselves: tests of diary/your_data/export.
def test_the_diary_can_be_downloaded(client, member):
    log(member)
    client.force_login(member)
    account = client.get("/accounts/").content.decode()
    deleting = client.get("/accounts/delete/").content.decode()
    assert 'href="/diary/export.json"' in deleting
    for url in ("/diary/export.json", "/diary/export.csv"):
        assert f'href="{url}"' in account
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url


# Promise: "What is deleted is gone from the live database at once. With SQLite, the
# database overwrites deleted content straight away. With PostgreSQL ..." The bytes of the
# file are searched in tests/test_account_deletion.py; PostgreSQL has no such setting.
def test_sqlite_overwrites_deleted_content(client, member):
    episode = log(member, notes="delete me")
    client.force_login(member)
    client.post(f"/diary/{episode.pk}/delete/")
    assert not Episode.objects.filter(pk=episode.pk).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1


# Promise: "Backups ... still hold what was deleted until each backup expires ... In a
# backup, too, your answers and notes are encrypted." A backup is a copy of the database:
# a full SQL dump of it holds no answer or note in the clear.
def test_a_copy_of_the_database_holds_answers_and_notes_only_encrypted(member):
    if connection.vendor != "sqlite":
        pytest.skip("the dump below is SQLite's")
    log(member, notes="a note only I should read", colour="dark_red", amount="heavy")
    connection.ensure_connection()
    dump = "\n".join(connection.connection.iterdump())
    assert "robin" in dump  # the dump is complete: the plain username is in it
    for secret in ("a note only I should read", "dark_red", "heavy"):
        assert secret not in dump


# Promise: "Only what the app needs to work: one to keep you signed in, one that protects
# forms, one that remembers your time zone, one for short notices, and one that carries
# your search words or symptom check answers, encrypted, from the form to its answer,
# deleted by that answer." The time-zone cookie is set by static/js/timezone.js, in the
# browser; the handover is knowledge/handover.py.
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
    for path, answers in (("/learn/search/", {"q": "polyps"}), ("/check/", {"amount": "heavy"})):
        handed = client.post(path, answers).cookies["handover"]
        assert "polyps" not in handed.value and "heavy" not in handed.value
        assert client.get(path).cookies["handover"]["max-age"] == 0
        assert "handover" not in client.cookies or not client.cookies["handover"].value
    script = (REPO / "static/js/timezone.js").read_text()
    assert script.count("document.cookie =") == 1 and '"tz="' in script


# Promise: "An episode you log without a connection waits on this device, locked so that
# only our server can open it, and leaves the device as soon as the server has it. “Lock
# now” and “Leave quickly” keep it waiting until you sign in again; logging out deletes it,
# after asking you." What the phone stores is the envelope below (static/js/offline-queue.js
# seals as diary.offline_queue.seal does); tests/browser/test_offline_logging.py reads
# IndexedDB in Chromium after each way out, and after sending.
def test_an_episode_logged_offline_waits_sealed_and_leaves_once_sent(member):
    import uuid

    from rest_framework.test import APIClient

    from diary import offline_queue

    client_id = str(uuid.uuid4())
    episode = {"client_id": client_id, "occurred_at": "2026-11-01T10:00:00Z", "amount": "heavy"}
    episode |= {"notes": "lighthouse keeper"}
    content = {"owner_tag": offline_queue.owner_tag(member), "episode": episode}
    envelope = offline_queue.seal(content, client_id)
    assert set(envelope) == {"client_id", "key_id", "epk", "iv", "ciphertext"}
    for word in ("lighthouse", "heavy", "amount", "notes", member.username):
        assert word not in str(envelope).lower(), word
    api = APIClient()
    api.force_login(member)
    body = envelope
    assert api.post("/api/v1/episodes/sealed/", body, format="json").status_code == 201
    # Sent again (the answer was lost): the server has it, so it can leave the phone.
    assert api.post("/api/v1/episodes/sealed/", body, format="json").status_code == 200
    assert Episode.objects.filter(owner=member).count() == 1
    assert Episode.objects.get(owner=member).notes == "lighthouse keeper"


# Promise: "So that it works without a connection, the app keeps on this device the
# information pages, the symptom check with its rules, and the last country you chose, for
# the emergency number. Nothing about you or your diary is kept this way." What the service
# worker keeps is the list it is served with, fetched without cookies; in real Chromium
# tests/browser/test_pwa.py reads every cache after a signed-in visit, and
# tests/browser/test_offline_self_check.py the device's storage after a check.
def test_what_the_app_keeps_for_offline_use_is_public(client, member):
    from pcb_site.views import precache_urls

    client.force_login(member)
    kept = precache_urls()
    rules = "/api/v1/rules/?language=en"
    assert "/check/" in kept and rules in kept and "/learn/when-to-get-help/" in kept
    for url in kept:
        private = url.startswith(("/diary/", "/accounts/", "/api/"))
        assert not private or url in ("/diary/offline-log/", rules), url
        if url.startswith("/static/"):
            continue
        page = Client().get(url)  # as the worker fetches it: without cookies
        assert page.status_code == 200, url
        assert "robin" not in page.content.decode(), url
    scripts = " ".join(p.read_text() for p in (REPO / "static" / "js").glob("*.js"))
    stored = set(re.findall(r'localStorage[^;\n]*?"(harbour:[a-z-]+)"', scripts))
    stored |= set(re.findall(r'var \w+ = "(harbour:[a-z-]+)"; // localStorage', scripts))
    # One rule table a language: "harbour:rules:" + the page's language.
    stored |= {f"{key}<language>" for key in re.findall(r'"(harbour:rules:)" \+', scripts)}
    assert "harbour:rules:<language>" in stored
    assert stored <= {
        "harbour:rules:<language>",
        "harbour:country",
        "harbour:owner",
        "harbour:offline-key",
    }
