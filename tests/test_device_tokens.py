"""API tokens per device: only a digest is stored, each expires, the account page lists and
revokes them, a new password revokes them all, and logging out of the browser does not."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from diary.accounts.models import DeviceToken

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
EPISODES = "/api/v1/episodes/"
NEW_PASSWORD = "another-quiet-harbour-77"


def sign_in(username, password, name="Phone"):
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": password, "name": name}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def reads_the_diary(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(EPISODES).status_code == 200


def test_a_device_gets_a_named_token_that_expires_in_30_days(member, password):
    before = timezone.now()
    answer = sign_in("robin", password, name="Work tablet")
    assert answer["name"] == "Work tablet"
    expiry = datetime.datetime.fromisoformat(answer["expiry"])
    assert before + datetime.timedelta(days=30) <= expiry
    assert expiry <= timezone.now() + datetime.timedelta(days=30)
    assert reads_the_diary(answer["token"])


def test_a_token_without_a_name_is_listed_as_an_unnamed_device(client, member, password):
    APIClient().post(TOKEN_URL, {"username": "robin", "password": password}, format="json")
    client.force_login(member)
    assert "Unnamed device" in client.get("/accounts/").content.decode()


def test_the_lifetime_is_configurable(member, password, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=7)}
    expiry = datetime.datetime.fromisoformat(sign_in("robin", password)["expiry"])
    assert expiry <= timezone.now() + datetime.timedelta(days=7)


def test_an_expired_token_no_longer_works(member, password):
    token = sign_in("robin", password)["token"]
    DeviceToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not reads_the_diary(token)
    assert not DeviceToken.objects.exists()


def test_using_a_token_costs_one_query_however_many_the_person_has(member, password):
    """The token and its person are read in one query. knox's own check also read every
    other token of the person, on every request, to delete the expired ones."""
    for name in ("Laptop", "Old phone", "Tablet"):
        sign_in("robin", password, name=name)
    token = sign_in("robin", password)["token"]
    DeviceToken.objects.filter(name="Old phone").update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.get(EPISODES)  # notes "last used", once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(EPISODES).status_code == 200
    token_reads = [query for query in queries if "accounts_devicetoken" in query["sql"]]
    assert len(token_reads) == 1, [query["sql"] for query in token_reads]


def test_the_daily_clean_up_deletes_the_expired_tokens_of_everyone(member, password):
    sign_in("robin", password, name="Old phone")
    kept = sign_in("robin", password, name="Phone")["token"]
    DeviceToken.objects.filter(name="Old phone").update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("delete_old_episodes", stdout=out)
    assert "1 expired device tokens deleted" in out.getvalue()
    assert list(DeviceToken.objects.values_list("name", flat=True)) == ["Phone"]
    assert reads_the_diary(kept)


def test_a_copy_of_the_database_gives_no_working_token(member, password):
    token = sign_in("robin", password)["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_devicetoken")
        rows = cursor.fetchall()
    stored = " ".join(str(value) for row in rows for value in row)
    assert token not in stored
    # Everything stored, tried as a token, opens nothing.
    for value in re.findall(r"[0-9a-f]{15,}", stored):
        assert not reads_the_diary(value)


def test_delete_revokes_the_calling_token_and_no_other(member, password):
    phone = sign_in("robin", password, name="Phone")["token"]
    laptop = sign_in("robin", password, name="Laptop")["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {phone}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert not reads_the_diary(phone)
    assert reads_the_diary(laptop)
    assert list(DeviceToken.objects.values_list("name", flat=True)) == ["Laptop"]


def test_delete_needs_a_token(client, member, password):
    sign_in("robin", password)
    assert APIClient().delete(TOKEN_URL).status_code == 401
    # A browser session cannot revoke a device's token through the API: that is the
    # account page's job, behind its CSRF check.
    client.force_login(member)
    assert client.delete(TOKEN_URL).status_code == 401
    assert DeviceToken.objects.count() == 1


def test_the_account_page_lists_devices_and_revokes_one(client, member, password):
    phone = sign_in("robin", password, name="Phone")["token"]
    laptop = sign_in("robin", password, name="Laptop")["token"]
    client.force_login(member)
    page = client.get("/accounts/").content.decode()
    assert "Phone" in page and "Laptop" in page
    assert phone not in page and laptop not in page
    digest = DeviceToken.objects.get(name="Phone").digest
    answer = client.post(f"/accounts/devices/{digest}/revoke/", follow=True)
    assert (
        "“Phone” is signed out: it can no longer read or change your diary."
        in answer.content.decode()
    )
    assert not reads_the_diary(phone)
    assert reads_the_diary(laptop)


def test_nobody_revokes_another_persons_device(client, member, password, django_user_model):
    sign_in("robin", password)
    other = django_user_model.objects.create_user("sam", password=password)
    client.force_login(other)
    digest = DeviceToken.objects.get().digest
    client.post(f"/accounts/devices/{digest}/revoke/")
    client.post("/accounts/devices/revoke-all/")
    assert DeviceToken.objects.count() == 1


def test_revoke_all_from_the_account_page(client, member, password):
    tokens = [sign_in("robin", password, name=name)["token"] for name in ("A", "B")]
    client.force_login(member)
    answer = client.post("/accounts/devices/revoke-all/", follow=True)
    assert (
        "Every app and device is signed out: none can read or change your diary now."
        in answer.content.decode()
    )
    assert not any(reads_the_diary(token) for token in tokens)


def test_revoking_is_a_post(client, member, password):
    sign_in("robin", password)
    client.force_login(member)
    digest = DeviceToken.objects.get().digest
    assert client.get(f"/accounts/devices/{digest}/revoke/").status_code == 405
    assert client.get("/accounts/devices/revoke-all/").status_code == 405
    assert DeviceToken.objects.count() == 1


def test_a_password_change_revokes_every_token(client, member, password):
    token = sign_in("robin", password)["token"]
    client.force_login(member)
    client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not reads_the_diary(token)
    # This browser stays signed in.
    assert client.get("/accounts/").status_code == 200


def test_recovery_revokes_every_token(client, member, password):
    token = sign_in("robin", password)["token"]
    client.post(
        "/accounts/recover/",
        {
            "username": "robin",
            "recovery_code": member.plain_recovery_code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert not reads_the_diary(token)


@pytest.mark.parametrize("url", ["/accounts/logout/", "/accounts/lock/"])
def test_logging_out_of_the_browser_leaves_devices_signed_in(client, member, password, url):
    token = sign_in("robin", password)["token"]
    client.force_login(member)
    client.post(url)
    assert reads_the_diary(token)


def test_a_device_shows_when_it_was_last_used(client, member, password):
    token = sign_in("robin", password)["token"]
    assert DeviceToken.objects.get().last_used_at is None
    reads_the_diary(token)
    assert DeviceToken.objects.get().last_used_at is not None
    client.force_login(member)
    assert "Last used" in client.get("/accounts/").content.decode()


def test_a_device_limit_keeps_a_script_from_filling_the_table(member, password, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    sign_in("robin", password)
    sign_in("robin", password)
    third = APIClient().post(TOKEN_URL, {"username": "robin", "password": password}, format="json")
    assert third.status_code == 403
    assert "Sign one out on your account page" in third.json()["detail"]
    assert DeviceToken.objects.count() == 2
