"""A tab list, a home screen or a lock screen reveals nothing about bleeding or sex."""

import re

import pytest

pytestmark = pytest.mark.django_db
REVEALING = re.compile(r"bleed|blood|sex|period|pregnan|cancer|diary|symptom|vagina|cervi", re.I)


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    "url",
    ["/", "/learn/", "/learn/cervical-cancer/", "/check/", "/accounts/login/", "/privacy/"],
)
def test_page_titles_are_only_the_neutral_name(client, url):
    assert title(client.get(url).content.decode()) == "Harbour"


def test_diary_titles_are_neutral_too(client, member):
    client.force_login(member)
    for url in ("/diary/", "/diary/new/", "/diary/profile/"):
        assert title(client.get(url).content.decode()) == "Harbour"


def test_result_page_title_is_neutral(client):
    html = client.post("/check/", {"amount": "heavy", "age": "30"}, follow=True).content.decode()
    assert title(html) == "Harbour"


def test_titles_can_be_descriptive_when_configured(client, settings):
    settings.DISCREET_TITLES = False
    assert title(client.get("/learn/cervical-polyps/").content.decode()).startswith(
        "Cervical polyps"
    )


def test_name_is_configurable(client, settings):
    settings.SITE_NAME = "Notebook"
    assert title(client.get("/").content.decode()) == "Notebook"
    assert client.get("/manifest.webmanifest").json()["name"] == "Notebook"


def test_manifest_name_and_icons_are_neutral(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == data["short_name"] == "Harbour"
    # An install sheet and the phone's app list show the description too.
    assert data["description"] and not REVEALING.search(data["description"])
    assert not REVEALING.search(str(data))
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/icons/icon-")
    assert {icon["purpose"] for icon in data["icons"]} == {"any", "maskable"}


def test_favicon_is_served_at_the_root(client):
    from pathlib import Path

    from django.conf import settings

    assert (Path(settings.WHITENOISE_ROOT) / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    for name in ("favicon.svg", "icon-maskable.svg"):
        svg = (Path(settings.BASE_DIR) / "static/icons" / name).read_text()
        assert not REVEALING.search(svg), name


def test_api_schema_and_docs_are_named_neutrally(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    info = schema.json()["info"]
    assert info["title"] == "Harbour API"
    assert not REVEALING.search(info.get("description", ""))
    # A saved copy is named after the title, and a downloads list shows the name.
    assert not REVEALING.search(schema["Content-Disposition"])
    assert title(client.get("/api/v1/docs/").content.decode()) == "Harbour API"


def test_every_page_offers_leave_quickly(client):
    for url in ("/", "/learn/", "/check/", "/accounts/login/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert 'href="https://www.bbc.co.uk/weather"' in html, url
        assert ">Leave quickly</a>" in html, url
