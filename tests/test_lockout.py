"""Failed logins and recovery codes lock out the account and the client, calmly."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
LIMIT = 5


def attempt_login(client, username="robin", password="wrong-password", address="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def attempt_recovery(client, username="robin", code="AAAAA-BBBBB-CCCCC-DDDDD", address="10.0.0.9"):
    data = {
        "username": username,
        "recovery_code": code,
        "new_password1": "a-new-long-pass-77",
        "new_password2": "a-new-long-pass-77",
    }
    return client.post("/accounts/recover/", data, REMOTE_ADDR=address)


def test_after_5_failures_even_the_right_password_is_refused_calmly(client, member, password):
    for _ in range(LIMIT - 1):
        assert attempt_login(client).status_code == 200
    locked = attempt_login(client)
    assert locked.status_code == 429
    right = attempt_login(client, password=password)
    html = right.content.decode()
    assert right.status_code == 429
    assert "try again in 15 minutes" in html
    assert "Nothing in your diary has changed" in html
    assert "Traceback" not in html


def test_the_account_stays_locked_from_another_client(member, password):
    for _ in range(LIMIT):
        attempt_login(Client(), address="192.0.2.1")
    elsewhere = attempt_login(Client(), password=password, address="198.51.100.7")
    assert elsewhere.status_code == 429


def test_one_client_guessing_many_accounts_is_locked_out(member, django_user_model, password):
    for number in range(LIMIT):
        attempt_login(Client(), username=f"someone{number}", address="203.0.113.5")
    robin = attempt_login(Client(), username="robin", password=password, address="203.0.113.5")
    assert robin.status_code == 429
    other_client = attempt_login(Client(), password=password, address="203.0.113.6")
    assert other_client.status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, member, password):
    for _ in range(LIMIT - 1):
        attempt_login(client)
    assert attempt_login(client, password=password).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(LIMIT - 1):
        attempt_login(client)
    assert attempt_login(client, password=password).status_code == 302


def test_wrong_recovery_codes_lock_out_the_same_way(client, member):
    for _ in range(LIMIT - 1):
        assert attempt_recovery(client).status_code == 200
    assert attempt_recovery(client).status_code == 429
    right = attempt_recovery(client, code=member.plain_recovery_code)
    assert right.status_code == 429
    member.refresh_from_db()
    assert not member.check_password("a-new-long-pass-77")


def test_recovery_failures_also_lock_the_login(client, member, password):
    for _ in range(LIMIT):
        attempt_recovery(client, address="127.0.0.1")
    assert attempt_login(client, password=password).status_code == 429


def test_the_token_endpoint_is_locked_too_with_a_clear_answer(member, password):
    client = Client()
    for _ in range(LIMIT):
        client.post(
            "/api/v1/auth/token/",
            {"username": "robin", "password": "wrong"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "robin", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.json()["detail"]
    assert int(response["Retry-After"]) == 900


def test_lockout_lifts_after_the_cool_off(client, member, password):
    from django.core.cache import cache

    for _ in range(LIMIT):
        attempt_login(client)
    assert attempt_login(client, password=password).status_code == 429
    cache.clear()  # what the cache's own expiry does after 15 minutes
    assert attempt_login(client, password=password).status_code == 302
