import pytest

pytestmark = pytest.mark.django_db


def test_login_form_fields_and_successful_login(client, member, password):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    response = client.post(
        "/accounts/login/", {"username": "robin", "password": password}, follow=True
    )
    assert response.context["user"].is_authenticated
    assert response.redirect_chain[-1][0] == "/"


def test_wrong_password_shows_a_clear_error_and_keeps_the_username(client, member):
    response = client.post("/accounts/login/", {"username": "robin", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "enter a correct username and password" in html
    assert 'value="robin"' in html


def test_logout_is_a_post_and_ends_the_session(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/", follow=True)
    assert not response.context["user"].is_authenticated
    assert client.get("/accounts/").status_code == 302


def test_account_page_needs_login_and_shows_no_email(client, member):
    assert client.get("/accounts/").url.startswith("/accounts/login/")
    client.force_login(member)
    html = client.get("/accounts/").content.decode()
    assert "robin" in html
    assert "we never ask for it" in html


def test_change_password_keeps_the_person_logged_in(client, member, password):
    client.force_login(member)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "river-stone-meadow-77",
            "new_password2": "river-stone-meadow-77",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/done/"
    assert response.context["user"].is_authenticated
    member.refresh_from_db()
    assert member.check_password("river-stone-meadow-77")


def test_change_password_with_wrong_old_password_is_refused(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "a-b-c-d-e-f", "new_password2": "a-b-c-d-e-f"},
    )
    assert 'id="id_old_password_error"' in response.content.decode()
