"""Choosing the language: from the browser, switched at the foot of any page, remembered on
the device and, for someone signed in, on their next sign-in anywhere. The same addresses
serve both languages."""

import re

import pytest
from django.conf import settings
from django.test import Client

from diary.models import Profile
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def switch(client, language, next_url="/learn/", **extra):
    return client.post("/language/", {"language": language, "next": next_url}, **extra)


def test_the_browsers_language_picks_the_pages_language_and_the_answer_says_so(client):
    russian = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    english = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="ru">' in russian.content.decode()
    assert "Причины кровотечения после секса" in russian.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert (russian["Content-Language"], english["Content-Language"]) == ("ru", "en")
    for response in (russian, english):
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary


def test_a_language_nobody_offers_gets_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response["Content-Language"] == "en"


def test_the_switch_is_on_every_page_names_each_language_in_itself_and_carries_no_token(client):
    for path in ("/", "/learn/", "/learn/cervical-polyps/", "/check/", "/privacy/"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        form = re.search(r'<form class="language-switch".*?</form>', html, re.S).group(0)
        assert 'lang="en">English</button>' in form
        assert 'lang="ru" aria-current="true">Русский</button>' in form
        assert f'name="next" value="{path}"' in form
        # A token would keep the page out of the shared copies (pcb_site/page_cache.py).
        assert "csrfmiddlewaretoken" not in form


def test_switching_goes_back_to_the_page_in_the_new_language_and_stays(client):
    response = switch(client, "ru", "/learn/cervical-polyps/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Location"]) == (303, "/learn/cervical-polyps/")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    # The browser still asks for English; the choice wins.
    page = client.get("/learn/cervical-polyps/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ru"
    switch(client, "en")
    assert client.get("/learn/", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "en"


def test_a_switch_never_sends_anyone_off_site_and_refuses_an_unknown_language(client):
    assert switch(client, "ru", "https://example.org/")["Location"] == "/"
    assert switch(client, "ru", "//example.org/")["Location"] == "/"
    refused = switch(client, "xx")
    assert refused.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in refused.cookies
    assert client.get("/language/").status_code == 405


@pytest.fixture
def untranslated_slug(tmp_path, monkeypatch):
    """Every page is written in Russian now, so the fallback is shown on a content folder of
    our own: all the real pages, with one of them left out of ru/."""
    import shutil

    from knowledge import pages, views

    slug = "cervical-polyps"
    shutil.copytree(pages.CONTENT_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "ru" / f"{slug}.md").unlink()
    monkeypatch.setattr(pages, "CONTENT_DIR", tmp_path)
    pages.all_pages.cache_clear()
    views.forget_rendered()
    yield slug
    pages.all_pages.cache_clear()
    views.forget_rendered()


def test_a_page_written_in_russian_is_shown_in_russian_without_the_notice(client):
    html = client.get("/learn/cervical-ectropion/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Эктопия шейки матки" in html
    assert "не переведена" not in html
    assert '<h1 lang="en">' not in html and '<div class="prose" lang="en">' not in html


def test_an_english_page_shown_to_a_russian_reader_says_so_and_marks_its_words_english(
    client, untranslated_slug
):
    slug = untranslated_slug
    russian = client.get(f"/learn/{slug}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Эта страница пока не переведена на ваш язык" in russian
    assert '<h1 lang="en">' in russian
    assert '<div class="prose" lang="en">' in russian
    assert re.search(r'Примечание к проверке: <span lang="en">', russian)
    # The care cards around it are the app's own words, in Russian.
    assert "Позвоните по номеру" in russian or "Запишитесь" in russian
    english = client.get(f"/learn/{slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not written in your language" not in english
    assert '<h1 lang="en">' not in english


def test_a_kept_copy_of_a_page_is_never_sent_in_the_other_language(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first = Client().get("/learn/", HTTP_ACCEPT_LANGUAGE="ru")
    again = Client().get("/learn/", HTTP_ACCEPT_LANGUAGE="en")
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    chosen = reader.get("/learn/", HTTP_ACCEPT_LANGUAGE="en")
    assert (first["Content-Language"], again["Content-Language"]) == ("ru", "en")
    assert chosen["Content-Language"] == "ru"
    assert "Причины" in chosen.content.decode() and "Причины" not in again.content.decode()


def test_switching_while_signed_in_is_kept_for_the_next_sign_in_on_another_device(client, member):
    client.force_login(member)
    page = client.get("/diary/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = client.cookies
    response = csrf.post(
        "/language/", {"language": "ru", "next": "/diary/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Profile.objects.get(user=member).language == "ru"

    phone = Client()
    signed_in = phone.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert phone.get("/diary/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "ru"


def test_a_forged_switch_for_someone_signed_in_changes_nothing(client, member):
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(member)
    response = forged.post("/language/", {"language": "ru", "next": "/diary/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert Profile.objects.filter(user=member, language="ru").count() == 0


def test_an_account_made_in_russian_keeps_russian(client):
    client.post(
        "/accounts/signup/",
        {"username": "sasha", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert Profile.objects.get(user__username="sasha").language == "ru"


def test_the_rule_table_speaks_the_language_asked_for_and_decides_the_same_in_each(client):
    from knowledge import triage

    english = client.get("/api/v1/rules/?language=en").json()
    russian = client.get("/api/v1/rules/?language=ru").json()
    by_header = client.get("/api/v1/rules/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert (english["language"], russian["language"], by_header["language"]) == ("en", "ru", "ru")
    assert russian["rules"][0]["message"].startswith("Это много крови")
    assert english["levels"] == triage.load_rules()["levels"]

    def decisions(table):
        return [(r["code"], r["level"], r["kind"], r["when"]) for r in table["rules"]]

    assert decisions(english) == decisions(russian) == decisions(triage.load_rules())
    assert english["version"] == russian["version"]
    refused = client.get("/api/v1/rules/?language=xx")
    assert refused.status_code == 400
    assert list(refused.json()) == ["language"]


CHILD = {"amount": "light", "age": "12", "non_consensual": "yes"}


def test_support_after_sex_without_consent_names_the_services_of_the_readers_country(client):
    from tests.test_triage_vignettes import form_data

    def result(country, language):
        answers = form_data({**CHILD, "age": 12, "non_consensual": True, "country": country})
        response = client.post("/check/", answers, follow=True, HTTP_ACCEPT_LANGUAGE=language)
        return response.content.decode()

    russia = result("RU", "ru")
    assert 'href="tel:88002000122"' in russia
    assert "центр СПИД" in russia and "через полицию" in russia
    # Russia has no sexual assault referral centres; the UK's helplines are not Russia's.
    for elsewhere in ("SARC", "Childline", "0800 1111", "RAINN"):
        assert elsewhere not in russia
    britain = result("GB", "en")
    assert 'href="tel:08001111"' in britain and "8-800-2000-122" not in britain


def test_the_timelines_axis_names_fit_its_room_in_russian(client, member):
    from diary import services
    from tests.helpers import episode_values

    services.log_episode(member, episode_values())
    client.force_login(member)
    for language, expected in (
        ("ru", ["Экстренно", "Срочно", "Скоро", "Планово", "Наблюдать"]),
        ("en", ["Emergency", "Urgent", "Soon", "Routine", "Self-care"]),
    ):
        html = client.get("/diary/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        axis = re.findall(r'<text class="timeline__level"[^>]*>([^<]+)</text>', html)
        assert axis == expected
        # The axis has room for about ten letters (diary/timeline.py, LABEL_END).
        assert all(len(name) <= 10 for name in axis)


def test_the_sources_of_a_russian_page_say_which_are_in_english(client):
    """A Russian page cites English guidance too; a screen reader reading Russian would
    mangle those titles unless they are marked as English (WCAG 3.1.2)."""
    russian = client.get("/learn/cervical-screening/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    sources = russian.split('id="sources-title"')[1].split("</section>")[0]
    items = re.findall(r"<li([^>]*)><a [^>]*>([^<]*)</a>", sources)
    marks = {title: attributes for attributes, title in items}
    assert marks["Cervical screening: when it&#x27;s offered"] == ' lang="en"'
    minzdrav = next(title for title in marks if "Цервикальная интраэпителиальная" in title)
    assert marks[minzdrav] == ""
    english = client.get("/learn/cervical-screening/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' not in english.split('id="sources-title"')[1].split("</section>")[0]


def test_a_russian_result_marks_its_english_sources_as_english(client):
    html = client.post(
        "/check/", {"amount": "light", "country": "RU"}, HTTP_ACCEPT_LANGUAGE="ru", follow=True
    ).content.decode()
    sources = re.findall(r'<p class="reason__source muted">Источник: <a [^>]*>', html)
    assert sources and all('lang="en"' in source for source in sources)
    english = client.post("/check/", {"amount": "light", "country": "GB"}, follow=True)
    assert 'lang="en"' not in "".join(
        re.findall(r'<p class="reason__source muted">[^\n]*', english.content.decode())
    )


def test_a_russian_result_offers_the_russian_pages_to_read_next(client):
    """The pages a result suggests are named in the reader's language: a Russian emergency
    answer once listed «Vaginal injury and tears» with its English summary."""
    from knowledge.pages import get_page

    html = client.post(
        "/check/",
        {"amount": "heavy", "faint": "yes", "country": "RU"},
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    ).content.decode()
    read_next = html.split('id="read-title"')[1].split("</nav>")[0]
    assert get_page("vaginal-injury", "ru").title in read_next
    assert "Vaginal injury and tears" not in read_next and 'lang="en"' not in read_next
