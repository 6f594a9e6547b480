"""The anonymous self-check page at /check/."""

import re

import pytest
from django.test import Client

from knowledge.forms import SelfCheckForm
from knowledge.triage import asked_by

pytestmark = pytest.mark.django_db

TYPICAL = {
    "amount": "light",
    "pain_during_sex": "none",
    "pain_after": "none",
    "faint": "no",
    "pregnancy": "no",
    "clots": "none",
    "still_bleeding": "no",
    "age": "30",
    "menopause": "no",
    "anticoagulants": "no",
    "cervical_screening": "up_to_date",
    "first_intercourse": "no",
    "partner_blood": "no",
    "non_consensual": "no",
    "previous_episodes_6_months": "0",
    "first_episode_days_ago": "0",
}


def check(client, **changes):
    return client.post("/check/", {**TYPICAL, **changes}, follow=True)


def test_form_asks_the_red_flag_questions_first(client):
    html = client.get("/check/").content.decode()
    first_heading = html.index('<h2 class="form-section">About you</h2>')
    fields, symptoms = asked_by("emergency")
    for name in fields - {"symptoms"}:
        assert html.index(f'name="{name}"') < first_heading, name
    for symptom in symptoms:
        tick = re.search(rf'name="(\w+)" value="{symptom}"', html)
        assert tick.group(1) == "red_flag_symptoms" and tick.start() < first_heading, symptom
    # Then clots and still bleeding, still before anything that may be skipped.
    for name in ("clots", "still_bleeding"):
        assert html.index(f'name="{name}"') < first_heading
    order = [html.index(f'name="{name}"') for name in ("amount", "faint", "pain_during_sex")]
    order += [html.index(f'name="{name}"') for name in ("pregnancy", "age", "symptoms")]
    assert order == sorted(order)
    for heading in ("About you", "Other symptoms", "What happened", "Earlier episodes"):
        assert f'<h2 class="form-section">{heading}</h2>' in html


def test_the_first_screen_is_read_from_the_emergency_rules():
    """A symptom that an emergency rule reads is asked first; the others are not."""
    first = dict(SelfCheckForm().fields["red_flag_symptoms"].choices)
    rest = dict(SelfCheckForm().fields["symptoms"].choices)
    assert set(first) == asked_by("emergency")[1]
    assert {"fever", "being_sick", "pelvic_pain", "shoulder_tip_pain", "bulge"} <= set(first)
    assert not set(first) & set(rest)
    assert {"sore_or_lump", "weight_loss", "unusual_discharge"} <= set(rest)


def test_see_my_answer_is_in_reach_from_the_first_screen(client):
    html = client.get("/check/").content.decode()
    assert '<div class="actions actions--sticky">' in html
    assert "See my answer" in html


def test_every_choice_is_explained_in_real_terms(client):
    html = client.get("/check/").content.decode()
    assert "soaking through a pad or more within an hour" in html
    assert "10p or 1-inch (2.5 cm) coin" in html


def test_questions_are_fieldsets_with_legends_and_every_control_has_a_label(client):
    html = client.get("/check/").content.decode()
    assert html.count("<fieldset") >= 15
    assert "<legend>How much did you bleed?</legend>" in html
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id


def test_answers_are_posted_not_put_in_the_address(client):
    html = client.get("/check/").content.decode()
    assert '<form class="form check-form" method="post" action="/check/"' in html


def test_a_typical_episode_gets_routine_advice_and_why(client):
    html = check(client).content.decode()
    assert "care-card--routine" in html
    assert 'id="why-title">Why</h2>' in html
    assert "you should always get it checked" in html
    assert 'href="/learn/when-to-get-help/"' in html


def test_emergency_answer_shows_the_number_before_anything_else(client):
    html = check(client, amount="heavy", country="GB").content.decode()
    main = html[html.index('<main id="main"') :]
    first_link = re.search(r'<a [^>]*href="([^"]+)"', main).group(1)
    assert first_link == "tel:999"
    assert main.index("tel:999") < main.index("<h1>")


def test_reasons_name_their_sources(client):
    html = check(client, menopause="yes", age="58").content.decode()
    assert "care-card--soon" in html
    assert "Bleeding after the menopause" in html
    assert 'href="https://www.nice.org.uk/guidance/ng12"' in html


def test_non_consensual_shows_support_and_time_limits_kindly(client):
    html = check(client, non_consensual="yes").content.decode()
    assert "care-card--urgent" in html
    assert "not your fault" in html
    assert "within 24 hours" in html and "72 hours" in html and "5 days" in html
    assert 'href="/learn/non-consensual-sex/"' in html


@pytest.mark.parametrize("age", ["13", "15", ""])
def test_a_young_person_after_sex_they_did_not_agree_to_sees_a_line_for_young_people(client, age):
    """Not only services for 16 and over: Childline takes calls from anyone under 19."""
    html = check(client, non_consensual="yes", age=age).content.decode()
    assert 'href="tel:08001111"' in html and "13 to 15" in html
    assert 'href="tel:08085002222"' in html


def test_the_forensic_window_is_the_same_on_the_result_and_the_page(client):
    """One window, stated the same way wherever a person may read it."""
    result = check(client, non_consensual="yes").content.decode()
    page = client.get("/learn/non-consensual-sex/").content.decode()
    for html in (result, page):
        assert "within 72 hours (3 days)" in html and "up to 7 days" in html


def test_a_child_is_spoken_to_kindly_and_pointed_to_people_who_can_help(client):
    html = check(client, age="12").content.decode()
    assert "You are not in trouble" in html
    assert "Childline" in html and "school nurse" in html
    assert "care-card--urgent" in html


def test_a_missing_amount_is_asked_for_next_to_the_field_and_others_kept(client):
    response = client.post(
        "/check/", {**TYPICAL, "amount": "", "age": "", "pregnancy": "yes"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_amount_error"' in html
    assert "Choose how much you bled" in html
    assert 'id="id_age_error"' not in html, "a blank age is not an error"
    assert re.search(r'value="yes"[^>]*id="id_pregnancy_2"[^>]*checked', html)
    assert 'role="alert"' in html
    assert 'href="#id_amount"' in html


@pytest.mark.parametrize(
    "answers",
    [
        {"amount": "heavy", "faint": "yes"},
        {"faint": "yes"},
        {"red_flag_symptoms": ["pelvic_pain", "being_sick"]},
        {"amount": "heavy", "age": "thirty", "country": "XX"},
    ],
    ids=["heavy-and-dizzy", "dizzy-only", "pelvic-pain-and-sick", "heavy-with-bad-age"],
)
def test_no_missing_or_wrong_answer_holds_back_an_emergency(client, answers):
    response = client.post("/check/", answers, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["card"]["level"] == "emergency"
    assert "There is a problem" not in html
    main = html[html.index('<main id="main"') :]
    assert re.search(r'<a [^>]*href="([^"]+)"', main).group(1).startswith("tel:")


def test_nothing_answered_asks_for_the_amount(client):
    response = client.post("/check/", {}, follow=True)
    assert 'id="id_amount_error"' in response.content.decode()
    assert "card" not in response.context or response.context["card"]["level"] == "emergency"
    assert "<h1>Your answer</h1>" not in response.content.decode()


def test_a_blank_age_is_unknown_and_the_result_says_it_could_change(client):
    first_time = {"amount": "spotting", "first_intercourse": "yes"}
    unknown = client.post("/check/", {**first_time, "age": ""}, follow=True)
    assert unknown.context["card"]["level"] == "routine", "unknown age never reassures (C1)"
    html = unknown.content.decode()
    assert "Your age could change this answer" in html
    assert 'name="age"' in html, "the age can be added right there"
    known = client.post("/check/", {**first_time, "age": "24"}, follow=True)
    assert known.context["card"]["level"] == "self_care"
    assert "Your age could change this answer" not in known.content.decode()


def test_a_blank_age_that_changes_nothing_is_not_asked_for(client):
    html = client.post("/check/", {"amount": "heavy"}, follow=True).content.decode()
    assert "Your age could change this answer" not in html


def test_unknown_age_counts_as_45_or_over_on_the_web_as_in_the_diary(client):
    response = client.post("/check/", {"amount": "light", "menopause": "unsure"}, follow=True)
    assert response.context["card"]["level"] == "soon"


def test_the_result_carries_the_answers_to_add_an_age_without_storing_them(client):
    html = client.post(
        "/check/",
        {"amount": "spotting", "first_intercourse": "yes", "red_flag_symptoms": []},
        follow=True,
    ).content.decode()
    form = html[html.index('id="unknown-title"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="amount" value="spotting">' in form
    assert '<input type="hidden" name="first_intercourse" value="yes">' in form
    updated = client.post(
        "/check/", {"amount": "spotting", "first_intercourse": "yes", "age": "19"}, follow=True
    )
    assert updated.context["card"]["level"] == "self_care"


def test_the_partner_question_asks_for_certainty_and_never_mentions_a_condom(client):
    html = client.get("/check/").content.decode()
    assert "condom" not in html.lower()
    assert "Are you sure the blood came from your partner, and none from you?" in html
    assert "If you are not sure, answer no." in html


def test_new_questions_of_rules_version_2_are_asked(client):
    html = client.get("/check/").content.decode()
    for value in ("coil_fitted", "cervix_treatment", "birth_or_pregnancy_loss", "hysterectomy"):
        assert f'<option value="{value}">' in html
    for value in ("being_sick", "shoulder_tip_pain", "sore_or_lump", "weight_loss", "bulge"):
        assert f'value="{value}"' in html


def test_bleeding_in_pregnancy_says_now_and_names_the_maternity_unit(client):
    response = check(client, pregnancy="yes")
    card = response.context["card"]
    assert card["level"] == "urgent"
    assert card["when"] == "Now"
    assert "maternity unit now" in card["action"]


def test_light_bleeding_after_treatment_of_the_cervix_is_explained(client):
    html = check(client, amount="spotting", recent_procedure="cervix_treatment").content.decode()
    assert "care-card--routine" in html
    assert "after treatment of your cervix is expected" in html


@pytest.mark.parametrize(
    "language, number",
    [("en-GB,en;q=0.9", "999"), ("en-US,en;q=0.9", "911"), ("ru-RU,ru;q=0.9", "112"),
     ("ru", "112"), ("", "112"), ("fr,en-AU;q=0.8", "000")],
)  # fmt: skip
def test_the_emergency_number_follows_the_browsers_region(client, language, number):
    page = client.get("/check/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'href="tel:{number}"' in page
    home = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'href="tel:{number}"' in home
    help_page = client.get("/learn/when-to-get-help/", HTTP_ACCEPT_LANGUAGE=language)
    assert f'href="tel:{number}"' in help_page.content.decode()


def test_the_result_names_the_country_and_offers_to_change_it(client):
    page = client.get("/check/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert page.context["form"]["country"].value() == "GB"
    html = client.post(
        "/check/", {"amount": "heavy", "country": "GB"}, follow=True
    ).content.decode()
    assert "Emergency number (United Kingdom)" in html
    assert "In another country? Change it" in html
    changed = client.post(
        "/check/", {"amount": "heavy", "country": "US"}, follow=True
    ).content.decode()
    assert 'href="tel:911"' in changed


def test_the_result_gives_a_second_medical_number_where_the_country_has_one(client):
    """Russia: 112, and the ambulance's own 103 beside it, under every answer (the spec's
    table); the United Kingdom has one number, and no second line."""
    russia = client.post(
        "/check/", {"amount": "light", "country": "RU"}, HTTP_ACCEPT_LANGUAGE="ru", follow=True
    ).content.decode()
    line = russia.split('class="check-country"')[1].split("</p>")[0]
    assert 'Номер экстренной помощи (Россия): <a href="tel:112">112</a>.' in line
    assert 'Скорая помощь: <a href="tel:103">103</a>.' in line
    uk = client.post("/check/", {"amount": "light", "country": "GB"}, follow=True)
    line = uk.content.decode().split('class="check-country"')[1].split("</p>")[0]
    assert "tel:999" in line and "Ambulance" not in line


def test_a_saved_profile_country_wins_over_the_browser_language(client, member):
    from diary.services import get_or_create_profile

    profile = get_or_create_profile(member)
    profile.country = "AU"
    profile.save()
    client.force_login(member)
    html = client.get("/check/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert 'href="tel:000"' in html


def test_the_triage_api_ignores_the_browser_language(client):
    response = client.post(
        "/api/v1/triage/",
        {"age": 30, "amount": "heavy"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en-GB",
    )
    assert response.json()["emergency_number"] == "112"


@pytest.mark.parametrize(
    "age, message",
    [("9", "aged 10 or over"), ("121", "120 or under"), ("thirty", "as a number")],
)
def test_bad_age_gets_a_clear_message(client, age, message):
    html = check(client, age=age).content.decode()
    assert message in html


def test_tampered_choices_are_refused_not_a_500(client):
    response = check(client, amount="lots", symptoms=["headache"], country="XX", faint="maybe")
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("amount", "symptoms", "country", "faint"):
        assert f'id="id_{field}_error"' in html


def test_nothing_is_stored(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = check(client, amount="moderate")
    assert response.status_code == 200


def test_result_is_never_cached(client):
    response = check(client)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_empty_form_starts_on_each_visitors_own_country(client):
    """The empty form is rendered once per language and country (knowledge/views.py): each
    visitor still gets the country they came with, and its number."""
    for country, number in (("US", "911"), ("GB", "999"), ("AU", "000"), ("US", "911")):
        html = client.get(f"/check/?country={country}").content.decode()
        assert f'<option value="{country}" selected>' in html
        assert f'href="tel:{number}"' in html
    html = Client(HTTP_ACCEPT_LANGUAGE="en-AU").get("/check/").content.decode()
    assert '<option value="AU" selected>' in html


def test_one_persons_answers_never_reach_the_next_persons_empty_form(client):
    answered = check(client, age="47", pregnancy="yes", amount="moderate")
    assert answered.status_code == 200
    # The same answers, with one left out, come back as a form with the error beside it.
    invalid = check(Client(), age="47", pregnancy="yes", amount="")
    assert 'value="47"' in invalid.content.decode()

    html = Client().get("/check/").content.decode()
    assert 'value="47"' not in html
    assert re.search(r'name="pregnancy" value="no"[^>]*checked', html)
    assert not re.search(r'name="pregnancy" value="yes"[^>]*checked', html)
    assert not re.search(r'name="amount" value="moderate"[^>]*checked', html)
