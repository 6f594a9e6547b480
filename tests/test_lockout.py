"""Failed logins and recovery codes lock out the account and the client, calmly.

Every attempt is counted before its password or recovery code is checked
(diary/accounts/lockout.py), so however many arrive at once, at most LIMIT are checked.
"""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connections
from django.test import Client

from diary.accounts import lockout
from tests.test_rate_limits import cache_across_a_network  # noqa: F401 (a fixture)

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


def attempt_token(client, username="robin", password="wrong-password", address="127.0.0.1"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


class SlowCountingHasher(MD5PasswordHasher):
    """The fast test hasher, counting every password or recovery code it checks, and taking
    a while over each as Argon2 does, so that attempts sent together are checked together."""

    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with SlowCountingHasher.lock:
            SlowCountingHasher.checks += 1
        time.sleep(0.2)
        return super().verify(password, encoded)


@pytest.fixture
def counted_checks(settings):
    """How many passwords and codes were checked (MD5 hashes, so the member's still verify)."""
    SlowCountingHasher.checks = 0
    settings.PASSWORD_HASHERS = ["tests.test_lockout.SlowCountingHasher"]
    return SlowCountingHasher


def at_once(count, attempt):
    """attempt(0) … attempt(count - 1), each in a thread of its own, all released together."""
    start = threading.Barrier(count)

    def run(number):
        start.wait()
        try:
            return attempt(number)
        finally:
            connections.close_all()  # the thread's own database connection

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_after_5_failures_even_the_right_password_is_refused_calmly(client, member, password):
    for _ in range(LIMIT):
        assert attempt_login(client).status_code == 200
    assert attempt_login(client).status_code == 429
    right = attempt_login(client, password=password)
    html = right.content.decode()
    assert right.status_code == 429
    assert "try again in 15 minutes" in html
    assert "Nothing in your diary has changed" in html
    assert "Traceback" not in html


def test_no_password_is_checked_past_the_limit(client, member, password, counted_checks):
    for _ in range(12):
        attempt_login(client)
    attempt_login(client, password=password)
    assert counted_checks.checks == LIMIT


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("cache_across_a_network")
@pytest.mark.parametrize("attempt", [attempt_login, attempt_token, attempt_recovery])
def test_attempts_sent_together_check_no_more_than_the_limit(member, counted_checks, attempt):
    # From twelve addresses, so that only the account's count can stop them. (With the right
    # password among them too: tests/test_several_app_servers.py, where a success can
    # write to a real database while others read.)
    answers = at_once(12, lambda n: attempt(Client(), address=f"192.0.2.{n + 1}"))
    checked = sum(answer.status_code != 429 for answer in answers)
    assert checked == counted_checks.checks <= LIMIT


def test_a_success_forgives_only_its_own_clients_attempts(rf, member):
    def from_address(number):
        return rf.post("/accounts/login/", REMOTE_ADDR=f"192.0.2.{number}")

    owners = lockout.count_attempt(from_address(1), "robin")  # being checked, slowly
    guesses = [lockout.count_attempt(from_address(n), "robin") for n in range(2, 12)]
    owners.succeeded()  # the owner is in; the guesses made meanwhile stay counted
    assert sum(guess.allowed for guess in guesses) == LIMIT - 1
    assert not lockout.count_attempt(from_address(12), "robin").allowed


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


def test_a_locked_out_client_does_not_lock_the_accounts_it_tries(member, password):
    for number in range(LIMIT):
        attempt_login(Client(), username=f"someone{number}", address="203.0.113.5")
    for _ in range(LIMIT):
        assert attempt_login(Client(), address="203.0.113.5").status_code == 429
    robin = attempt_login(Client(), password=password, address="203.0.113.6")
    assert robin.status_code == 302


def test_a_success_forgets_the_persons_own_failures(client, member, password):
    for _ in range(LIMIT - 1):
        attempt_login(client)
    assert attempt_login(client, password=password).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(LIMIT - 1):
        attempt_login(client)
    assert attempt_login(client, password=password).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_a_clients_failures(
    member, django_user_model, password
):
    django_user_model.objects.create_user(username="mallory", password=password)
    for _ in range(LIMIT - 1):
        attempt_login(Client(), address="203.0.113.9")
    own = attempt_login(Client(), username="mallory", password=password, address="203.0.113.9")
    assert own.status_code == 302
    assert attempt_login(Client(), address="203.0.113.9").status_code == 200  # the fifth
    right = attempt_login(Client(), password=password, address="203.0.113.9")
    assert right.status_code == 429


def test_wrong_recovery_codes_lock_out_the_same_way(client, member):
    for _ in range(LIMIT):
        assert attempt_recovery(client).status_code == 200
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
        assert attempt_token(client).status_code == 400
    response = attempt_token(client, password=password)
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


def test_the_lockout_lasts_the_cool_off_after_the_last_attempt(client, member, password, settings):
    # Seconds instead of 15 minutes; the cache expires the counts (local memory or Redis).
    settings.LOGIN_LOCKOUT = datetime.timedelta(seconds=2)
    for _ in range(LIMIT):
        attempt_login(client)
    time.sleep(1.2)
    assert attempt_login(client).status_code == 429
    time.sleep(1.2)  # 2.4 s after the fifth failure, 1.2 s after the last attempt
    assert attempt_login(client, password=password).status_code == 429
    time.sleep(2.5)
    assert attempt_login(client, password=password).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_tables_django_axes_left_are_dropped():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    drop = ("accounts", "0004_drop_axes_tables")
    after = MigrationExecutor(connection).loader.graph.leaf_nodes()
    tables = ["axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"]
    try:
        MigrationExecutor(connection).migrate([("accounts", "0003_username_unique_ci")])
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, username text)")
            cursor.execute(
                "CREATE TABLE axes_accessattemptexpiration "
                "(id integer PRIMARY KEY REFERENCES axes_accessattempt (id))"
            )
        MigrationRecorder(connection).record_applied("axes", "0010_accessattemptexpiration")
        MigrationExecutor(connection).migrate([drop])
    finally:
        MigrationExecutor(connection).migrate(after)
    left = [name for name in connection.introspection.table_names() if name.startswith("axes")]
    assert left == []
    assert not MigrationRecorder(connection).migration_qs.filter(app="axes").exists()
