"""One account per username, whatever its case: the database, sign-up, sign-in, recovery and
the lockout all treat "Robin" and "robin" as the same name.

Sign-ups sent together, on real app servers: tests/test_several_app_servers.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from diary.accounts.forms import SignupForm

pytestmark = pytest.mark.django_db
LIMIT = 5
NEW_PASSWORD = "a-new-long-pass-77"
TAKEN = "A user with that username already exists."


def attempt_recovery(username, code, address):
    data = {
        "username": username,
        "recovery_code": code,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    return Client().post("/accounts/recover/", data, REMOTE_ADDR=address)


def attempt_login(username, password, address):
    data = {"username": username, "password": password}
    return Client().post("/accounts/login/", data, REMOTE_ADDR=address)


@pytest.mark.parametrize("typed", ["Robin", "ROBIN"])
def test_sign_in_finds_the_account_whatever_the_case(member, password, typed):
    # Phones capitalise the first letter of a text box unless told not to.
    assert attempt_login(typed, password, "192.0.2.1").status_code == 302


def test_the_token_endpoint_finds_the_account_whatever_the_case(member, password):
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "Robin", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_a_case_variant_is_locked_out_with_the_original_at_sign_in(member, password):
    for number in range(LIMIT):
        attempt_login("robin", "wrong-password", f"192.0.2.{number + 1}")
    assert attempt_login("ROBIN", password, "198.51.100.7").status_code == 429


def test_a_case_variant_is_locked_out_with_the_original_in_recovery(member):
    for number in range(LIMIT):
        attempt_recovery("robin", "AAAAA-BBBBB-CCCCC-DDDDD", f"192.0.2.{number + 1}")
    variant = attempt_recovery("Robin", member.plain_recovery_code, "198.51.100.7")
    assert variant.status_code == 429
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORD)


def test_the_database_refuses_a_case_variant(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="ROBIN", password="whatever-77-long")


@pytest.mark.parametrize("name", ["robin", "ROBIN"])
def test_a_sign_up_that_loses_the_race_gets_the_taken_message(client, monkeypatch, name):
    # Two people send the same name at once: both pass the form's checks, then one of them
    # is saved first.
    checked = SignupForm._post_clean

    def someone_else_signs_up_just_after_the_check(form):
        checked(form)
        get_user_model().objects.create_user(username="robin", password="whatever-77-long")

    monkeypatch.setattr(SignupForm, "_post_clean", someone_else_signs_up_just_after_the_check)
    data = {"username": name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post("/accounts/signup/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_username_error"' in html and TAKEN in html
    assert f'value="{name}"' in html
    assert get_user_model().objects.count() == 1
    assert not response.wsgi_request.user.is_authenticated


UNIQUE_WHATEVER_THE_CASE = ("accounts", "0003_username_unique_ci")


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_with_a_clear_message_on_existing_case_duplicates():
    loader = MigrationExecutor(connection).loader
    before = [parent.key for parent in loader.graph.node_map[UNIQUE_WHATEVER_THE_CASE].parents]
    after = loader.graph.leaf_nodes()
    try:
        MigrationExecutor(connection).migrate(before)
        users = get_user_model().objects
        users.create_user(username="Sam", password="whatever-77-long")
        users.create_user(username="sam", password="whatever-77-long")
        with pytest.raises(CommandError, match="differ only in case") as stopped:
            MigrationExecutor(connection).migrate([UNIQUE_WHATEVER_THE_CASE])
        assert "sam" in str(stopped.value)
        users.filter(username="Sam").delete()
    finally:
        MigrationExecutor(connection).migrate(after)
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="SAM", password="whatever-77-long")
