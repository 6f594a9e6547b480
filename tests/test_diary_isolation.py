"""A second person never sees, changes or learns of the first person's diary."""

import pytest

from diary.models import Profile
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners_episode(member):
    Profile.objects.create(user=member, year_of_birth=1980, country="GB")
    return stored_episode(member, days_ago=1, amount="moderate", notes="private note of robin")


@pytest.fixture
def other(client, django_user_model):
    user = django_user_model.objects.create_user(username="sam", password="x-y-z-123-abc")
    client.force_login(user)
    return client


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_other_person_gets_404_on_every_episode_page(other, owners_episode, suffix):
    url = f"/diary/{owners_episode.pk}/{suffix}"
    assert other.get(url).status_code == 404
    assert other.post(url, {"amount": "heavy"}).status_code == 404


def test_other_persons_changes_and_deletes_do_nothing(other, owners_episode):
    other.post(f"/diary/{owners_episode.pk}/delete/")
    other.post(f"/diary/{owners_episode.pk}/edit/", {"amount": "heavy", "notes": "hacked"})
    owners_episode.refresh_from_db()
    assert owners_episode.notes == "private note of robin"
    assert owners_episode.amount == "moderate"


def test_other_persons_diary_and_profile_show_nothing_of_the_owner(other, owners_episode):
    history = other.get("/diary/").content.decode()
    assert str(owners_episode.pk) not in history
    assert "Nothing logged yet" in history
    profile = other.get("/diary/profile/").content.decode()
    assert 'value="1980"' not in profile
    assert '<option value="GB" selected>' not in profile


def test_unknown_episode_id_is_the_same_404(other):
    assert other.get("/diary/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert other.get("/diary/not-a-uuid/").status_code == 404
