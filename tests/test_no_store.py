"""Which responses a browser or a shared cache may keep (pcb_site.middleware.NoStoreMiddleware).

Every response for a signed-in person is no-store, whatever the page; so are search results
and the self-check, for anyone. Public pages read without an account stay cacheable.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db


def every_address(values):
    """Every address the URLconf knows, with a real value in each parameter: a page added
    later is checked without anyone remembering to list it here."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)

    return sorted(set(walk(get_resolver().url_patterns, "/")))


def test_every_page_a_signed_in_person_can_get_is_no_store(client, member):
    episode = stored_episode(member, notes="a private note")
    client.force_login(member)
    addresses = every_address({"pk": str(episode.pk), "slug": "cervical-polyps", "digest": "0"})
    for expected in ("/", "/learn/", "/learn/cervical-polyps/", "/privacy/", "/diary/new/"):
        assert expected in addresses
    addresses += ["/learn/when-to-get-help/?country=GB", "/no-such-page/", "/diary"]

    shown = 0
    for address in addresses:
        response = client.get(address)
        assert "no-store" in response.get("Cache-Control", ""), address
        shown += response.status_code == 200
    assert shown >= 20
    # Still signed in at the end: no address above signed the person out on the way.
    assert client.get("/diary/").status_code == 200


def test_search_results_and_self_check_are_no_store_for_anyone(client):
    assert (
        "no-store" in client.post("/learn/search/", {"q": "polyps"}, follow=True)["Cache-Control"]
    )
    assert "no-store" in client.get("/learn/search/")["Cache-Control"]
    answers = {"amount": "light", "age": "30", "country": "GB"}
    assert "no-store" in client.post("/check/", answers, follow=True)["Cache-Control"]


@pytest.mark.parametrize("address", ["/", "/learn/", "/learn/cervical-polyps/", "/privacy/"])
def test_public_pages_stay_cacheable_without_an_account(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
