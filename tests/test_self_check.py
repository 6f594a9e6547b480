"""The anonymous self-check page at /check/."""

import re

import pytest

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
    return client.post("/check/", {**TYPICAL, **changes})


def test_form_asks_the_most_important_questions_first(client):
    html = client.get("/check/").content.decode()
    order = [html.index(f'name="{name}"') for name in ("amount", "pain_during_sex", "faint")]
    order += [html.index(f'name="{name}"') for name in ("pregnancy", "clots", "age", "symptoms")]
    assert order == sorted(order)
    for heading in ("About the bleeding", "About you", "Other symptoms", "Earlier episodes"):
        assert f'<h2 class="form-section">{heading}</h2>' in html


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


def test_a_child_is_spoken_to_kindly_and_pointed_to_people_who_can_help(client):
    html = check(client, age="12").content.decode()
    assert "You are not in trouble" in html
    assert "Childline" in html and "school nurse" in html
    assert "care-card--urgent" in html


def test_missing_answers_are_shown_next_to_the_fields_and_others_kept(client):
    response = client.post("/check/", {**TYPICAL, "amount": "", "age": "", "pregnancy": "yes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_amount_error"' in html
    assert 'id="id_age_error"' in html
    assert "Enter your age in years" in html
    assert 'value="yes"' in html and re.search(
        r'value="yes"[^>]*id="id_pregnancy_2"[^>]*checked', html
    )
    assert 'role="alert"' in html


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
