import re

import pytest
from django.contrib.auth import get_user_model

from diary.accounts.models import RecoveryCode
from diary.accounts.recovery import ALPHABET

pytestmark = pytest.mark.django_db
CODE_PATTERN = re.compile(rf"[{ALPHABET}]{{5}}(-[{ALPHABET}]{{5}}){{3}}")


def signup(client, username="sky", password1="quiet-harbour-lantern-42", password2=None):
    data = {"username": username, "password1": password1, "password2": password2 or password1}
    return client.post("/accounts/signup/", data, follow=True)


def shown_text(response):
    """The page as read, without tags: the recovery code is drawn in groups of markup."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def test_signup_form_asks_only_username_and_password(client):
    html = client.get("/accounts/signup/").content.decode()
    # The page's own form; the language switch at its foot is every page's.
    form = html.split("<main", 1)[1].split("</main>", 1)[0]
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', form))
    assert names == {"csrfmiddlewaretoken", "username", "password1", "password2"}
    assert "email" not in html.lower().replace("your email", "")


def test_signup_logs_in_and_shows_recovery_code_once(client):
    response = signup(client)
    assert response.redirect_chain[-1][0] == "/accounts/recovery-code/"
    assert response.context["user"].is_authenticated
    code = response.context["code"]
    assert CODE_PATTERN.fullmatch(code)
    assert code in shown_text(response)

    again = client.get("/accounts/recovery-code/")
    assert code not in shown_text(again)
    assert "shown once" in again.content.decode()


@pytest.mark.argon2
def test_password_is_argon2_and_recovery_code_stored_only_as_hash(client):
    response = signup(client)
    code = response.context["code"]
    user = get_user_model().objects.get(username="sky")
    assert user.password.startswith("argon2$")
    stored = RecoveryCode.objects.get(user=user).code_hash
    assert stored.startswith("argon2$")
    assert code not in stored and code.replace("-", "") not in stored


def test_taken_username_is_reported_next_to_the_field_and_kept(client, member):
    response = signup(client, username="robin")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_username_error"' in html
    assert "already exists" in html
    assert 'value="robin"' in html
    assert get_user_model().objects.count() == 1


def test_taken_username_differing_only_in_case_is_refused(client, member):
    response = signup(client, username="ROBIN")
    assert "id_username_error" in response.content.decode()


def test_mismatched_passwords_are_reported_and_not_echoed(client):
    response = signup(client, password1="quiet-harbour-lantern-42", password2="quiet-harbour-43")
    html = response.content.decode()
    assert 'id="id_password2_error"' in html
    assert "didn’t match" in html
    assert "quiet-harbour" not in html
    assert 'value="sky"' in html
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    "weak, message",
    [("12345678901", "entirely numeric"), ("password", "too common"), ("sky", "too short")],
)
def test_weak_passwords_are_refused_with_a_reason(client, weak, message):
    response = signup(client, password1=weak)
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not get_user_model().objects.exists()


def test_error_summary_links_to_each_bad_field(client):
    html = signup(client, username="", password1="a", password2="b").content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_username"' in html


def test_signed_in_person_is_sent_to_their_account_from_signup(client, member):
    client.force_login(member)
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response.url == "/accounts/"
