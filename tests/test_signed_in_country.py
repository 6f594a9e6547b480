"""A signed-in person's pages show the emergency number of the country they saved. The
country comes with the person, in the query that reads them for every request
(diary.accounts.backends), not from a second query for the profile, and it is never stale:
a change made on another device shows on the next page."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from diary.models import Profile

pytestmark = pytest.mark.django_db
PAGE = "/learn/when-to-get-help/"


def number_shown(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for number in ("000", "999", "911", "112"):
        if f'href="tel:{number}"' in html:
            return number
    raise AssertionError("no emergency number on the page")


def test_the_saved_country_is_read_with_the_person_in_one_query(signed_in, member):
    Profile.objects.create(user=member, country="AU")
    signed_in.get(PAGE)  # the session renewed, once
    with CaptureQueriesContext(connection) as queries:
        assert number_shown(signed_in) == "000"
    assert len(queries) == 1, [query["sql"] for query in queries]


def test_without_a_profile_the_browser_language_decides(signed_in):
    html = signed_in.get(PAGE, HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert 'href="tel:999"' in html
    assert number_shown(signed_in) == "112"


def test_a_country_changed_on_another_device_shows_on_the_next_page(signed_in, member):
    Profile.objects.create(user=member, country="GB")
    assert number_shown(signed_in) == "999"
    phone = APIClient()
    phone.force_authenticate(member)
    assert phone.patch("/api/v1/profile/", {"country": "US"}, format="json").status_code == 200
    assert number_shown(signed_in) == "911"


def test_a_country_no_key_can_open_shows_112_not_an_error(signed_in, member, settings):
    """A key dropped too soon: the pages that read the profile cannot, but the knowledge
    pages, and the emergency number on them, still work."""
    settings.DIARY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    Profile.objects.create(user=member, country="GB")
    settings.DIARY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert number_shown(signed_in) == "112"
