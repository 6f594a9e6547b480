import pytest

from diary.models import Profile

pytestmark = pytest.mark.django_db


def test_every_profile_question_can_be_left_unsaid(signed_in, member):
    html = signed_in.get("/diary/profile/").content.decode()
    assert html.count("Prefer not to say") >= 6
    response = signed_in.post("/diary/profile/", {}, follow=True)
    assert response.redirect_chain[-1][0] == "/diary/"
    profile = Profile.objects.get(user=member)
    assert (profile.year_of_birth, profile.menopause, profile.country) == (None, "", "")


def test_profile_is_saved_and_shown_again(signed_in, member):
    signed_in.post(
        "/diary/profile/",
        {
            "year_of_birth": "1988",
            "country": "AU",
            "menopause": "no",
            "contraception": "copper_iud",
            "anticoagulants": "no",
            "screening": "had",
            "screening_last_date": "2024-05-01",
            "screening_last_result": "normal",
        },
    )
    profile = Profile.objects.get(user=member)
    assert (profile.year_of_birth, profile.country, profile.contraception) == (
        1988,
        "AU",
        "copper_iud",
    )
    html = signed_in.get("/diary/profile/").content.decode()
    assert 'value="1988"' in html and '<option value="AU" selected>' in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"year_of_birth": "1800"}, "year_of_birth", "Enter a year between"),
        ({"year_of_birth": "abc"}, "year_of_birth", "Enter a whole number"),
        ({"country": "XX"}, "country", "not one of the available choices"),
        ({"screening_last_date": "2999-01-01"}, "screening_last_date", "in the future"),
        ({"screening": "never", "screening_last_result": "normal"}, "screening", "never"),
    ],
)
def test_bad_profile_input_is_shown_next_to_the_field(signed_in, member, data, field, message):
    response = signed_in.post("/diary/profile/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert not Profile.objects.filter(user=member, year_of_birth__isnull=False).exists()
