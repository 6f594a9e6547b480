"""Deleting the whole account at /accounts/delete/: after the password, every row of it is
gone, every session and token stops working, and (SQLite) nothing of it stays in the file."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from diary import services
from diary.accounts.deletion import sessions_of
from diary.accounts.tokens import issue_token
from diary.models import Episode
from tests.helpers import PASSWORD, episode_values

pytestmark = pytest.mark.django_db


def rows_referring_to(user_pk):
    """Every row of every model (many-to-many tables included) that points at the user,
    by model and field, plus the sessions signed in as the user."""
    user_model = get_user_model()
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            points_at_user = (field.many_to_one or field.one_to_one) and field.concrete
            if points_at_user and field.related_model is user_model:
                count = model._default_manager.filter(**{field.attname: user_pk}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    store = SessionStore()
    sessions = [
        data
        for data in Session.objects.values_list("session_data", flat=True)
        if str(store.decode(data).get("_auth_user_id")) == str(user_pk)
    ]
    if sessions:
        found["sessions"] = len(sessions)
    return found


def full_account(username="robin"):
    """A person with every kind of row: episodes, profile, recovery code, a device token,
    and two signed-in browsers."""
    from diary.accounts.recovery import issue_recovery_code

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    issue_recovery_code(user)
    services.update_profile(services.get_or_create_profile(user), {"year_of_birth": 1990})
    services.log_episode(user, episode_values(notes="first"))
    services.log_episode(user, episode_values(notes="second"))
    _row, token = issue_token(user, "Phone")
    browser, other_browser = Client(), Client()
    for each in (browser, other_browser):
        each.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return user, token, browser, other_browser


def test_deleting_the_account_leaves_no_row_that_refers_to_it():
    user, _token, browser, _other = full_account()
    someone_else, *_ = full_account("sam")
    before = rows_referring_to(user.pk)
    # The walk sees every kind of row the account has, so it would see one left behind.
    assert {"diary.Episode.owner", "diary.Profile.user", "accounts.RecoveryCode.user"} <= set(
        before
    )
    assert before["accounts.DeviceToken.user"] == 1 and before["sessions"] == 2

    response = browser.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert rows_referring_to(user.pk) == {}
    assert rows_referring_to(someone_else.pk) == before  # nobody else's rows went


def test_every_session_and_token_of_the_account_stops_working():
    user, token, browser, other_browser = full_account()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/episodes/").status_code == 200
    assert other_browser.get("/diary/").status_code == 200

    response = browser.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert "Your account and your whole diary are deleted." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    refused = api.get("/api/v1/episodes/")
    assert refused.status_code == 403 and refused.json() == {"detail": "Invalid token."}
    assert other_browser.get("/diary/")["Location"].startswith("/accounts/login/")
    assert sessions_of(user) == []


def test_a_wrong_password_deletes_nothing_and_says_so_next_to_the_field():
    user, token, browser, _other = full_account()
    before = rows_referring_to(user.pk)

    response = browser.post("/accounts/delete/", {"password": "not-my-password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field field--error"' in html
    assert "That is not your current password." in html
    assert 'href="#id_password"' in html  # the error summary points at the field
    assert rows_referring_to(user.pk) == before
    assert Episode.objects.filter(owner=user).count() == 2


def test_guessing_the_password_is_stopped_by_the_lockout(settings):
    user, _token, browser, _other = full_account()
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        assert browser.post("/accounts/delete/", {"password": "guess"}).status_code == 200
    # Locked out: even the right password is not checked, and nothing is deleted.
    assert browser.post("/accounts/delete/", {"password": PASSWORD}).status_code == 429
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_the_delete_page_says_what_goes_and_offers_the_download_first(client, member):
    client.force_login(member)
    html = client.get("/accounts/delete/").content.decode()
    assert "every episode you logged" in html
    assert html.index('href="/diary/export.json"') < html.index('name="password"')
    assert 'autocomplete="current-password"' in html
    account = client.get("/accounts/").content.decode()
    assert 'href="/accounts/delete/"' in account


def test_the_delete_page_needs_a_signed_in_person(client):
    response = client.get("/accounts/delete/")
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_nothing_of_a_deleted_account_stays_in_the_sqlite_file():
    if connection.vendor != "sqlite":
        pytest.skip("secure_delete is SQLite's")
    username = "marigold-lantern-quietly"
    user, _token, browser, _other = full_account(username)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT notes, amount, assessment_level FROM diary_episode WHERE owner_id = %s",
            [user.pk],
        )
        stored = [value for row in cursor.fetchall() for value in row]
    assert len(stored) == 6 and all(len(value) > 50 for value in stored)  # Fernet tokens
    database = Path(connection.settings_dict["NAME"])
    files = [database.with_name(database.name + s) for s in ("", "-wal", "-journal")]

    def on_disk():
        return b"".join(path.read_bytes() for path in files if path.exists())

    # The search finds them while they are stored, so it would find them left behind.
    assert username.encode() in on_disk() and stored[0].encode() in on_disk()

    browser.post("/accounts/delete/", {"password": PASSWORD})

    content = on_disk()
    assert username.encode() not in content
    assert [value for value in stored if value.encode() in content] == []
