"""The same answers point to the same pages to read next, in the self-check, its API and the
diary: they all take them from knowledge.triage.pages_for."""

import pytest

from diary import services
from tests.helpers import episode_values

pytestmark = pytest.mark.django_db

ANSWERS = {
    "amount": "light",
    "pregnancy": "possible",
    "first_intercourse": True,
    "recent_procedure": "coil_fitted",
    "symptoms": ["itching_or_burning", "vaginal_dryness"],
}
ABOUT_THE_ANSWERS = [
    "/learn/first-intercourse/",
    "/learn/bleeding-in-pregnancy/",
    "/learn/iuds-and-devices/",
    "/learn/sexually-transmitted-infections/",
    "/learn/vaginal-dryness-and-menopause/",
]


def urls(pages):
    return [page.url for page in pages]


def test_the_check_the_api_and_the_diary_read_next_the_same_pages(client, member):
    form = {**ANSWERS, "first_intercourse": "yes", "age": "30"}
    form["red_flag_symptoms"], form["symptoms"] = [], ANSWERS["symptoms"]
    checked = urls(client.post("/check/", form, follow=True).context["read_next"])
    api = client.post(
        "/api/v1/triage/", {**ANSWERS, "age": 30}, content_type="application/json"
    ).json()["pages"]

    client.force_login(member)
    episode, _created = services.log_episode(member, episode_values(**ANSWERS))
    diary = urls(client.get(episode.get_absolute_url()).context["read_next"])

    for page in ABOUT_THE_ANSWERS:
        assert page in checked and page in api and page in diary, page
    assert checked[-1] == api[-1] == diary[-1] == "/learn/when-to-get-help/"
