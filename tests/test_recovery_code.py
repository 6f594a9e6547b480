import pytest

from diary.accounts.recovery import normalise

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "river-stone-meadow-77"


def recover(client, username, code, password=NEW_PASSWORD, password2=None):
    data = {
        "username": username,
        "recovery_code": code,
        "new_password1": password,
        "new_password2": password2 or password,
    }
    return client.post("/accounts/recover/", data, follow=True)


def test_recovery_code_sets_a_new_password_and_issues_a_new_code(client, member):
    response = recover(client, "robin", member.plain_recovery_code)
    new_code = response.context["code"]
    assert new_code and new_code != member.plain_recovery_code
    assert response.context["user"].is_authenticated
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    client.logout()
    again = recover(client, "robin", member.plain_recovery_code, password="another-pass-99")
    assert "does not match" in again.content.decode()


def test_code_typed_in_lower_case_without_dashes_works(client, member):
    typed = normalise(member.plain_recovery_code).lower()
    response = recover(client, "robin", f"  {typed} ")
    assert response.context["user"].is_authenticated


def test_wrong_code_is_reported_next_to_the_code_field_and_username_kept(client, member):
    response = recover(client, "robin", "AAAAA-BBBBB-CCCCC-DDDDD")
    html = response.content.decode()
    assert 'id="id_recovery_code_error"' in html
    assert 'value="robin"' in html
    assert NEW_PASSWORD not in html
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORD)


def test_unknown_username_gets_the_same_message_as_a_wrong_code(client, member):
    unknown = recover(client, "nobody", member.plain_recovery_code).content.decode()
    assert "This recovery code does not match that username" in unknown


def test_weak_new_password_is_refused_after_a_right_code(client, member):
    response = recover(client, "robin", member.plain_recovery_code, password="password")
    assert "too common" in response.content.decode()
    member.refresh_from_db()
    assert not member.check_password("password")


def test_new_code_from_account_page_needs_the_password_and_replaces_the_old(client, member):
    client.force_login(member)
    wrong = client.post("/accounts/recovery-code/new/", {"password": "nope"})
    assert "not your current password" in wrong.content.decode()

    response = client.post(
        "/accounts/recovery-code/new/", {"password": "quiet-harbour-lantern-42"}, follow=True
    )
    new_code = response.context["code"]
    assert new_code != member.plain_recovery_code
    client.logout()

    old = recover(client, "robin", member.plain_recovery_code)
    assert "does not match" in old.content.decode()
    fresh = recover(client, "robin", new_code)
    assert fresh.context["user"].is_authenticated
