"""The diary's advice stays current: whatever order episodes are typed in, whenever the
profile or the rules change; it says what it assumed where it is read; and the page shows
what was said then when that differs from what we say now."""

import datetime
import io
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from diary import assessment, services
from diary.models import Episode, Profile
from tests.helpers import PASSWORD, episode_values

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def person(name, **profile):
    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    Profile.objects.create(user=user, **profile)
    return user


def advice(owner):
    return [
        (e.occurred_at, e.assessment_level, e.assessment_reasons)
        for e in Episode.objects.filter(owner=owner).order_by("occurred_at")
    ]


KNOWN = {"year_of_birth": 1990, "menopause": "no", "anticoagulants": "no"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_backdated_episodes_give_the_same_advice_as_episodes_logged_in_order(seed):
    # 5 episodes over 6 months: from the third one on, recurrent; the last, persistent too.
    moments = [NOW - datetime.timedelta(days=days) for days in (170, 120, 60, 20, 1)]
    in_order, shuffled = person("in-order", **KNOWN), person("shuffled", **KNOWN)
    for moment in moments:
        services.log_episode(in_order, episode_values(moment))
    for moment in random.Random(seed).sample(moments, len(moments)):
        services.log_episode(shuffled, episode_values(moment))
    assert advice(in_order) == advice(shuffled)
    levels = [level for _at, level, _reasons in advice(shuffled)]
    assert levels == ["routine", "soon", "soon", "soon", "soon"]


def test_deleting_an_episode_gives_the_later_ones_their_advice_back():
    owner = person("robin", **KNOWN)
    first, _ = services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=40)))
    later, _ = services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=2)))
    later.refresh_from_db()
    assert later.assessment_level == "soon"
    services.delete_episode(first)
    later.refresh_from_db()
    assert (later.assessment_level, later.assessment_reasons) == (
        "routine",
        ["unexplained_bleeding"],
    )


def test_moving_an_episode_in_time_reassesses_both_its_old_and_new_neighbours():
    owner = person("robin", **KNOWN)
    moving, _ = services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=300)))
    stays, _ = services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=5)))
    stays.refresh_from_db()
    assert stays.assessment_level == "routine"  # 295 days apart: no history
    services.update_episode(moving, {"occurred_at": NOW - datetime.timedelta(days=10)})
    stays.refresh_from_db()
    assert stays.assessment_level == "soon"


def test_a_profile_change_changes_the_advice_at_once_and_the_page_says_then_and_now(
    client,
):
    owner = person("new-person")  # prefer not to say, everything
    episode, _ = services.log_episode(owner, episode_values())
    assert episode.assessment_level == "soon"
    assert episode.assessment_reasons == ["postmenopausal_bleeding"]

    client.force_login(owner)
    client.post("/diary/profile/", {"year_of_birth": "2000", "menopause": "no"})
    episode.refresh_from_db()
    assert (episode.assessment_level, episode.assessment_reasons) == (
        "routine",
        ["unexplained_bleeding"],
    )
    assert episode.assessment_when_logged["level"] == "soon"
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "When you logged this we said" in page
    assert "With what you have added since, we now say" in page
    assert "care-card--routine" in page
    assert "Bleeding after the menopause" not in page


def test_no_then_and_now_while_nothing_changed(client):
    owner = person("robin", **KNOWN)
    episode, _ = services.log_episode(owner, episode_values())
    client.force_login(owner)
    assert "When you logged this" not in client.get(episode.get_absolute_url()).content.decode()


def test_a_reason_resting_on_an_unknown_fact_says_so_first_and_offers_the_answer(client):
    owner = person("new-person")
    episode, _ = services.log_episode(owner, episode_values())
    client.force_login(owner)
    page = client.get(episode.get_absolute_url()).content.decode()
    reason = page[page.index('class="reason__message"') :]
    first_words = reason.split(">", 1)[1]
    assert first_words.startswith("We don&#x27;t know your age.")
    assert "We don&#x27;t know whether your periods have stopped. Bleeding after" in first_words
    assert f'action="/diary/{episode.pk}/answer/"' in page
    assert 'name="menopause" value="no"' in page and 'name="year_of_birth"' in page

    response = client.post(f"/diary/{episode.pk}/answer/", {"menopause": "no"}, follow=True)
    page = response.content.decode()
    assert "The advice below now counts your answer" in page
    assert "care-card--routine" in page
    assert Profile.objects.get(user=owner).menopause == "no"


def test_a_fact_answered_on_one_episode_reassesses_them_all():
    owner = person("new-person")
    old, _ = services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=300)))
    services.update_profile(services.get_or_create_profile(owner), {"menopause": "yes"})
    old.refresh_from_db()
    assert old.assessment_reasons == ["postmenopausal_bleeding"]
    assert old.assessment_assumptions["reasons"] == {}, "nothing assumed any more"


@pytest.mark.parametrize(
    "profile, changes, code, fact",
    [
        ({"year_of_birth": 1960}, {}, "postmenopausal_bleeding", "menopause"),
        ({"menopause": "unsure"}, {}, "postmenopausal_bleeding", "year_of_birth"),
        ({"menopause": "no", "screening": "never"}, {}, "screening_due", "year_of_birth"),
    ],
)
def test_every_reason_that_fires_on_an_unknown_fact_says_which(profile, changes, code, fact):
    owner = person("robin", **profile)
    episode, _ = services.log_episode(owner, episode_values(**changes))
    result = assessment.stored_assessment(episode)
    assert code in [reason["code"] for reason in result["reasons"]]
    assert fact in result["assumed"][code]


def test_the_fallback_is_never_said_to_rest_on_an_unknown_fact():
    """Routine because nothing fired: an unknown screening could only raise it, which the
    page says once (refine), not as the reason's first words."""
    owner = person("robin", **KNOWN)
    episode, _ = services.log_episode(owner, episode_values())
    result = assessment.stored_assessment(episode)
    assert [r["code"] for r in result["reasons"]] == ["unexplained_bleeding"]
    assert result["assumed"] == {}
    assert "cervical_screening" in result["refine"]


def test_a_known_fact_is_never_called_an_assumption():
    owner = person("robin", year_of_birth=1960, menopause="yes", anticoagulants="no")
    episode, _ = services.log_episode(owner, episode_values())
    assert assessment.stored_assessment(episode)["assumed"] == {}


def test_a_new_rules_version_reassesses_every_episode_and_keeps_what_was_told():
    owner = person("robin", **KNOWN)
    episode, _ = services.log_episode(owner, episode_values(first_intercourse=True))
    told = dict(episode.assessment_when_logged)
    # As if it had been assessed under version 1.
    episode.assessment_level, episode.assessment_reasons = "self_care", ["first_intercourse_light"]
    episode.assessment_rules_version = "1"
    episode.save()
    call_command("reassess_diary", stdout=io.StringIO())
    episode.refresh_from_db()
    assert episode.assessment_rules_version == "2"
    assert episode.assessment_level == "self_care"  # age 36, first time, light: still C1
    assert episode.assessment_when_logged == told


def test_reading_an_episode_never_evaluates_the_rules(client, monkeypatch):
    owner = person("robin", **KNOWN)
    episode, _ = services.log_episode(owner, episode_values())
    client.force_login(owner)

    def refuse(*args, **kwargs):
        raise AssertionError("a page evaluated the rules")

    monkeypatch.setattr("knowledge.triage.evaluate", refuse)
    assert client.get(episode.get_absolute_url()).status_code == 200
    assert client.get(f"/api/v1/episodes/{episode.pk}/").status_code == 200
    assert client.get("/diary/").status_code == 200


# Dates that trip up date arithmetic ---------------------------------------------------------


@pytest.mark.parametrize(
    "last_date, result, moment, expected",
    [
        (datetime.date(2024, 2, 29), "normal", datetime.datetime(2027, 2, 28, 12), "up_to_date"),
        (datetime.date(2024, 2, 29), "normal", datetime.datetime(2027, 3, 1, 12), "overdue"),
        (datetime.date(2024, 2, 29), "hpv_only", datetime.datetime(2025, 3, 1, 12), "overdue"),
        (datetime.date(2023, 1, 31), "normal", datetime.datetime(2026, 1, 31, 12), "up_to_date"),
    ],
)
def test_screening_due_dates_from_29_february_and_month_ends(last_date, result, moment, expected):
    profile = Profile(screening="had", screening_last_date=last_date, screening_last_result=result)
    assert assessment.screening_status(profile, timezone.make_aware(moment), 30) == expected


def test_a_29_february_screening_date_never_breaks_saving_editing_or_reading(client):
    owner = person("robin", **KNOWN)
    client.force_login(owner)
    client.post(
        "/diary/profile/",
        {"year_of_birth": "1990", "menopause": "no", "screening": "had",
         "screening_last_date": "2024-02-29", "screening_last_result": "normal"},
    )  # fmt: skip
    assert str(Profile.objects.get(user=owner).screening_last_date) == "2024-02-29"
    episode, _ = services.log_episode(owner, episode_values())
    assert client.get(episode.get_absolute_url()).status_code == 200
    services.update_episode(episode, {"amount": "moderate"})
    assert client.get("/diary/").status_code == 200


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime.datetime(2026, 8, 31), -6, datetime.datetime(2026, 2, 28)),
        (datetime.datetime(2028, 8, 31), -6, datetime.datetime(2028, 2, 29)),
        (datetime.datetime(2026, 3, 31), -1, datetime.datetime(2026, 2, 28)),
        (datetime.datetime(2026, 1, 31), 1, datetime.datetime(2026, 2, 28)),
        (datetime.datetime(2024, 2, 29), 12, datetime.datetime(2025, 2, 28)),
        (datetime.datetime(2025, 10, 31), 6, datetime.datetime(2026, 4, 30)),
    ],
)
def test_shifting_by_months_clamps_to_the_end_of_a_shorter_month(moment, months, expected):
    assert assessment.shift_months(moment, months) == expected


def test_history_counts_across_29_february():
    owner = person("robin", **KNOWN)
    leap = timezone.make_aware(datetime.datetime(2028, 2, 29, 22))
    services.log_episode(owner, episode_values(leap))
    later, _ = services.log_episode(owner, episode_values(leap + datetime.timedelta(days=183)))
    later.refresh_from_db()
    assert later.assessment_reasons == ["recurrent_bleeding", "persistent_bleeding"]


# Two devices at once -----------------------------------------------------------------------


def test_two_changes_to_different_fields_of_one_episode_both_stand():
    owner = person("robin", **KNOWN)
    episode, _ = services.log_episode(owner, episode_values())
    phone, laptop = (Episode.objects.get(pk=episode.pk) for _ in range(2))
    services.update_episode(phone, {"notes": "from the phone"})
    services.update_episode(laptop, {"amount": "moderate"})
    episode.refresh_from_db()
    assert (episode.notes, episode.amount) == ("from the phone", "moderate")


def test_two_changes_to_different_fields_of_one_profile_both_stand():
    owner = person("robin", **KNOWN)
    phone, laptop = (Profile.objects.get(user=owner) for _ in range(2))
    services.update_profile(phone, {"country": "GB"})
    services.update_profile(laptop, {"contraception": "implant"})
    profile = Profile.objects.get(user=owner)
    assert (profile.country, profile.contraception) == ("GB", "implant")


UTC = datetime.UTC


# Six months before 30 August is 28 February (clamped), while 28 February plus six months is
# 28 August: a window worked out forwards missed the 30 August episode.
@pytest.mark.parametrize(
    "earlier, later",
    [
        (
            datetime.datetime(2026, 2, 28, 10, tzinfo=UTC),
            datetime.datetime(2026, 8, 30, 9, tzinfo=UTC),
        ),
        (
            datetime.datetime(2026, 4, 30, 22, tzinfo=UTC),
            datetime.datetime(2026, 10, 31, 8, tzinfo=UTC),
        ),
    ],
    ids=["28-feb-to-30-aug", "30-apr-to-31-oct"],
)
def test_at_a_months_end_backdating_and_deleting_give_the_advice_of_a_whole_reassessment(
    earlier, later
):
    in_order, backdated = person("in-order", **KNOWN), person("backdated", **KNOWN)
    for owner, times in ((in_order, (earlier, later)), (backdated, (later, earlier))):
        for moment in times:
            services.log_episode(owner, episode_values(moment))
    assert advice(backdated) == advice(in_order)
    assert advice(backdated)[1][1] == "soon"  # the earlier one counts in the later's history
    assert assessment.reassess(backdated) == []  # nothing left stale

    services.delete_episode(Episode.objects.get(owner=backdated, occurred_at=earlier))
    assert assessment.reassess(backdated) == []
    assert advice(backdated)[0][1] == "routine"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_any_order_of_logging_moving_and_deleting_leaves_no_advice_stale(seed):
    # A change reassesses only the episodes whose history crossed a threshold of the rules;
    # after every change, a whole reassessment must find nothing left to correct.
    rng = random.Random(seed)
    blood_thinner = {"anticoagulants": "yes"} if seed % 2 else {}
    owner = person(f"random-{seed}", **{**KNOWN, **blood_thinner})
    span = 2 * 365 * 24

    def some_time():
        return NOW - datetime.timedelta(hours=rng.randrange(1, span))

    for _step in range(30):
        episodes = list(Episode.objects.filter(owner=owner))
        action = rng.choice(["log", "log", "log", "move", "edit", "delete"]) if episodes else "log"
        if action == "log":
            values = episode_values(
                some_time(),
                amount=rng.choice(["spotting", "light", "moderate"]),
                first_intercourse=rng.random() < 0.2,
            )
            services.log_episode(owner, values)
        elif action == "move":
            services.update_episode(rng.choice(episodes), {"occurred_at": some_time()})
        elif action == "edit":
            services.update_episode(rng.choice(episodes), {"first_intercourse": rng.random() < 0.5})
        else:
            services.delete_episode(rng.choice(episodes))
        assert assessment.reassess(owner) == [], f"stale after step {_step}: {action}"


def assessed_days_ago(monkeypatch):
    """The episodes (in days before NOW) that reassess works out again, as it does so."""
    seen = []
    real = assessment._assess

    def spy(episode, profile, times):
        seen.append((NOW - episode.occurred_at).days)
        return real(episode, profile, times)

    monkeypatch.setattr(assessment, "_assess", spy)
    return seen


def test_a_backdated_episode_reassesses_only_the_later_ones_whose_history_crosses_a_rule(
    monkeypatch,
):
    owner = person("robin", **KNOWN)
    for days in (150, 120, 90, 60, 30, 5):
        services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=days)))
    seen = assessed_days_ago(monkeypatch)
    services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=170)))
    # 150 days ago: one episode before it now, where none was (a threshold: at least 1);
    # 120: two, where one was (at least 2). The later ones had two or more, and their first
    # one more than 28 days before, already: nothing the rules read has moved for them.
    assert sorted(seen) == [120, 150, 170]
    monkeypatch.undo()
    assert assessment.reassess(owner) == []


def test_an_episode_the_current_rules_never_assessed_is_reassessed_when_in_reach(monkeypatch):
    owner = person("robin", **KNOWN)
    for days in (150, 120, 90):
        services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=days)))
    # As after a deploy of a new table, before manage.py reassess_diary has reached it.
    Episode.objects.filter(owner=owner, occurred_at=NOW - datetime.timedelta(days=90)).update(
        assessment_rules_version="1"
    )
    seen = assessed_days_ago(monkeypatch)
    services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=100)))
    assert sorted(seen) == [90, 100]


def test_editing_or_deleting_an_episode_reassesses_only_it_and_those_it_moves(monkeypatch):
    owner = person("robin", **KNOWN)
    for days in (150, 120, 90, 60, 30):
        services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=days)))
    middle = Episode.objects.get(owner=owner, occurred_at=NOW - datetime.timedelta(days=90))
    seen = assessed_days_ago(monkeypatch)
    services.update_episode(middle, {"amount": "moderate"})
    assert seen == [90]
    seen.clear()
    first = Episode.objects.get(owner=owner, occurred_at=NOW - datetime.timedelta(days=150))
    services.delete_episode(first)
    # 120 loses its only earlier episode; 90 goes from two to one; 60 and 30 keep two or
    # more, the first of them still more than 28 days before.
    assert sorted(seen) == [90, 120]
    monkeypatch.undo()
    assert assessment.reassess(owner) == []


def test_open_advice_stays_first_on_the_diary_home_until_answered_however_old(client):
    owner = person("long-ago", **KNOWN)
    services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=400)))
    services.log_episode(owner, episode_values(NOW - datetime.timedelta(days=370)))
    old = Episode.objects.filter(owner=owner).order_by("occurred_at").last()
    assert old.assessment_level == "soon"
    client.force_login(owner)
    home = client.get("/diary/")
    assert home.context["advice"]["episode"] == old
    client.post(f"/diary/{old.pk}/follow-up/", {"from": "diary", "status": "seen"})
    assert client.get("/diary/").context["advice"] is None


def form_as_sent(html):
    """What a browser sends for the page's main form (its largest posted one, not the
    header's "Lock now"): every input as it stands (the hidden copies of the values shown
    included), the checked choices, the textareas and the selected options."""
    import re
    from html import unescape

    form = max(re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S), key=len)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if "name" not in attrs or attrs.get("type") in ("submit", "button"):
            continue
        if attrs.get("type") in ("radio", "checkbox") and " checked" not in tag:
            continue
        data.setdefault(attrs["name"], []).append(unescape(attrs.get("value", "")))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [unescape(text.lstrip("\n"))]
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen[:1] or [""]
    return data


def test_the_edit_form_saves_only_what_was_changed_on_it(client):
    from rest_framework.test import APIClient

    owner = person("two-devices", **KNOWN, basics_offered=True)
    episode, _ = services.log_episode(owner, episode_values(notes="written first"))
    client.force_login(owner)
    sent = form_as_sent(client.get(f"/diary/{episode.pk}/edit/").content.decode())
    phone = APIClient()
    phone.force_login(owner)
    changed = {"notes": "changed on the phone"}
    assert phone.patch(f"/api/v1/episodes/{episode.pk}/", changed, format="json").status_code == 200
    sent["amount"] = ["moderate"]  # the laptop's form, open all along, changes the amount
    assert client.post(f"/diary/{episode.pk}/edit/", sent).status_code == 302
    episode.refresh_from_db()
    assert (episode.amount, episode.notes) == ("moderate", "changed on the phone")


def test_the_profile_form_saves_only_what_was_changed_on_it(client):
    from rest_framework.test import APIClient

    owner = person("two-devices-profile", **KNOWN, basics_offered=True)
    client.force_login(owner)
    sent = form_as_sent(client.get("/diary/profile/").content.decode())
    phone = APIClient()
    phone.force_login(owner)
    assert phone.patch("/api/v1/profile/", {"country": "GB"}, format="json").status_code == 200
    sent["contraception"] = ["implant"]
    assert client.post("/diary/profile/", sent).status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.country, profile.contraception) == ("GB", "implant")


def test_a_time_with_seconds_is_not_rewritten_by_an_edit_of_something_else(client):
    # A self-check saved to the diary keeps seconds; the form shows minutes.
    owner = person("seconds", **KNOWN, basics_offered=True)
    moment = (NOW - datetime.timedelta(hours=3)).replace(second=45)
    episode, _ = services.log_episode(owner, episode_values(moment))
    client.force_login(owner)
    sent = form_as_sent(client.get(f"/diary/{episode.pk}/edit/").content.decode())
    sent["amount"] = ["moderate"]
    assert client.post(f"/diary/{episode.pk}/edit/", sent).status_code == 302
    episode.refresh_from_db()
    assert (episode.amount, episode.occurred_at) == ("moderate", moment)


def test_the_screening_answers_are_saved_together(client):
    from rest_framework.test import APIClient

    screened = {"screening": "had", "screening_last_date": datetime.date(2024, 5, 1)}
    owner = person("screening-together", **KNOWN, **screened, basics_offered=True)
    client.force_login(owner)
    sent = form_as_sent(client.get("/diary/profile/").content.decode())
    phone = APIClient()
    phone.force_login(owner)
    body = {"screening": "never", "screening_last_date": None, "screening_last_result": ""}
    assert phone.patch("/api/v1/profile/", body, format="json").status_code == 200
    # This form, open all along, changes only the date: the three answers are checked
    # together, so they are saved together, never "never screened" beside a date.
    sent["screening_last_date"] = ["2025-06-01"]
    assert client.post("/diary/profile/", sent).status_code == 302
    profile = Profile.objects.get(user=owner)
    assert (profile.screening, str(profile.screening_last_date)) == ("had", "2025-06-01")
