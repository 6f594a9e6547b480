"""Logging an episode on the web form and seeing the result."""

import datetime
import re

import pytest
from django.utils import timezone

from diary.models import Episode, Profile

pytestmark = pytest.mark.django_db

TYPICAL = {
    "amount": "light",
    "pain_during_sex": "mild",
    "pain_after": "none",
    "faint": "no",
    "pregnancy": "no",
    "recent_procedure": "none",
    "clots": "none",
}


def log(client, **changes):
    data = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), **TYPICAL, **changes}
    return client.post("/diary/new/", data, follow=True)


@pytest.fixture
def profile(member):
    """A 30-something who has said what the rules need to know."""
    return Profile.objects.create(
        user=member,
        year_of_birth=1994,
        menopause="no",
        anticoagulants="no",
        screening="had",
        screening_last_date=timezone.localdate() - datetime.timedelta(days=400),
        screening_last_result="normal",
        basics_offered=True,
    )


def test_diary_needs_login(client):
    for url in ("/diary/", "/diary/new/", "/diary/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_log_form_puts_the_essentials_first_and_the_rest_under_more_details(signed_in):
    html = signed_in.get("/diary/new/").content.decode()
    positions = [html.index(f'name="{n}"') for n in ("amount", "pain_during_sex", "faint")]
    positions += [html.index('name="pregnancy"'), html.index('<details class="more-details"')]
    positions += [html.index('name="colour"'), html.index('name="notes"')]
    assert positions == sorted(positions)
    assert re.search(r'name="occurred_at" value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"', html)


def test_typical_episode_is_saved_and_shows_the_result(signed_in, member, profile):
    response = log(signed_in)
    episode = Episode.objects.get(owner=member)
    assert response.redirect_chain[-1][0] == f"/diary/{episode.pk}/"
    html = response.content.decode()
    assert "care-card--routine" in html
    assert 'id="why-title">Why</h2>' in html
    assert "Light: it stained my underwear" in html
    assert episode.assessment_level == "routine"
    assert episode.assessment_reasons == ["unexplained_bleeding"]
    assert episode.assessment_rules_version == "2"


def test_heavy_episode_shows_the_emergency_number_first(signed_in, member):
    Profile.objects.create(user=member, country="GB", year_of_birth=1990, menopause="no")
    html = log(signed_in, amount="heavy").content.decode()
    main = html[html.index('<main id="main"') :]
    assert re.search(r'<a [^>]*href="([^"]+)"', main).group(1) == "tel:999"
    assert "care-card--emergency" in html


def test_second_episode_within_6_months_comes_back_at_least_soon(signed_in, member, profile):
    earlier = timezone.localtime() - datetime.timedelta(days=10)
    log(signed_in, occurred_at=earlier.strftime("%Y-%m-%dT%H:%M"))
    html = log(signed_in).content.decode()
    latest = Episode.objects.filter(owner=member).order_by("-occurred_at").first()
    assert latest.assessment_level == "soon"
    assert "recurrent_bleeding" in latest.assessment_reasons
    assert "This has happened more than once" in html


def test_unknown_profile_facts_err_towards_care_and_say_what_would_refine(signed_in, member):
    html = log(signed_in).content.decode()
    # Unknown age counts as 45 or over and unknown menopause as "unsure": soon, not routine.
    assert Episode.objects.get(owner=member).assessment_level == "soon"
    assert "your year of birth" in html
    assert "whether you have been through the menopause" in html
    assert 'href="/diary/profile/"' in html


def test_a_complete_profile_needs_no_refining(signed_in, profile):
    html = log(signed_in).content.decode()
    assert "Your profile does not say" not in html


def test_basics_are_offered_once_inline_and_skippable(signed_in, member):
    html = signed_in.get("/diary/new/").content.decode()
    assert 'name="basics-year_of_birth"' in html
    log(signed_in)
    assert Profile.objects.get(user=member).basics_offered
    assert 'name="basics-year_of_birth"' not in signed_in.get("/diary/new/").content.decode()


def test_basics_given_inline_are_saved_to_the_profile_and_used(signed_in, member):
    log(signed_in, **{"basics-year_of_birth": "1960", "basics-menopause": "yes"})
    profile = Profile.objects.get(user=member)
    assert (profile.year_of_birth, profile.menopause) == (1960, "yes")
    episode = Episode.objects.get(owner=member)
    assert "postmenopausal_bleeding" in episode.assessment_reasons


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "in the future"),
        ({"occurred_at": "yesterday"}, "occurred_at", "Enter a date and time"),
        ({"amount": ""}, "amount", "Choose how much you bled"),
        ({"amount": "lots"}, "amount", "not one of the available choices"),
        ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
        ({"symptoms": ["headache"]}, "symptoms", "not one of the available choices"),
        ({"basics-year_of_birth": "1850"}, "basics-year_of_birth", "Enter a year between"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    signed_in, member, changes, field, message
):
    response = log(signed_in, **{"notes": "keep this text", **changes})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert message in html
    if field != "notes":
        assert "keep this text" in html
    assert not Episode.objects.filter(owner=member).exists()


def test_episode_before_the_year_of_birth_is_refused(signed_in, member):
    Profile.objects.create(user=member, year_of_birth=2000, basics_offered=True)
    html = log(signed_in, occurred_at="1999-06-01T10:00").content.decode()
    assert "before the year of birth" in html


def test_edit_reassesses(signed_in, member):
    log(signed_in)
    episode = Episode.objects.get(owner=member)
    response = signed_in.post(
        f"/diary/{episode.pk}/edit/",
        {
            **TYPICAL,
            "occurred_at": timezone.localtime(episode.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "amount": "heavy",
            "notes": "changed",
        },
        follow=True,
    )
    episode.refresh_from_db()
    assert episode.assessment_level == "emergency"
    assert episode.notes == "changed"
    assert "advice was worked out again" in response.content.decode()


def test_edit_form_shows_what_was_logged(signed_in, member):
    log(signed_in, colour="brown", circumstances=["condom_used"], notes="after the gym")
    episode = Episode.objects.get(owner=member)
    html = signed_in.get(f"/diary/{episode.pk}/edit/").content.decode()
    assert re.search(r'value="brown"[^>]*checked', html)
    assert re.search(r'value="condom_used"[^>]*checked', html)
    assert "after the gym" in html


def test_delete_asks_first_then_deletes(signed_in, member):
    log(signed_in)
    episode = Episode.objects.get(owner=member)
    confirm = signed_in.get(f"/diary/{episode.pk}/delete/").content.decode()
    assert "cannot be undone" in confirm
    assert Episode.objects.filter(pk=episode.pk).exists()
    response = signed_in.post(f"/diary/{episode.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/diary/"
    assert not Episode.objects.filter(pk=episode.pk).exists()


def test_diary_pages_are_never_cached(signed_in, member):
    log(signed_in)
    episode = Episode.objects.get(owner=member)
    for url in ("/diary/", "/diary/new/", f"/diary/{episode.pk}/", "/diary/profile/"):
        assert "no-store" in signed_in.get(url)["Cache-Control"], url
