"""Care cards: what each level tells a person to do, with their country's emergency number."""

from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from knowledge.countries import COUNTRY_NAMES
from knowledge.emergency import COUNTRY_CODES, emergency_numbers
from knowledge.pages import all_pages, current_language
from knowledge.triage import LEVELS, load_rules


def country_from_request(request, from_language=False):
    """?country=XX when given and known; else the signed-in person's saved country; else,
    for pages (`from_language`), the region the browser asks for in Accept-Language (en-GB:
    GB); else None, which shows 112. The triage API keeps its contract and never guesses
    from the language.

    Duck-typed so that knowledge never imports the diary: `request.user.saved_country` when
    the sign-in backend read it with the person (diary.accounts.backends), else
    `request.user.profile.country`.
    """
    asked = request.GET.get("country", "").strip().upper()
    if asked in COUNTRY_CODES:
        return asked
    user = getattr(request, "user", None)
    saved = getattr(user, "saved_country", None)
    if saved is None:
        saved = getattr(getattr(user, "profile", None), "country", None)
    if saved:
        return saved
    if from_language:
        return country_from_language(request.headers.get("Accept-Language", ""))
    return None


def country_from_language(header):
    """The region of the most preferred language that names one we know: "en-US,en" is US.
    A language alone ("ru") says nothing about where someone is, so it is skipped."""
    for tag, _quality in parse_accept_lang_header(header[:200]):
        parts = tag.split("-")
        if len(parts) >= 2 and parts[-1].upper() in COUNTRY_CODES:
            return parts[-1].upper()
    return None


def country_name(country):
    return COUNTRY_NAMES.get(country) if country else None


def care_card(level, country=None, situations=(), sooner=None):
    """Everything a care card template needs for one level. `sooner` is a reason's sooner
    time frame and action (bleeding in pregnancy: now), shown instead of the level's."""
    info = load_rules()["levels"][level]
    numbers = emergency_numbers(country)
    # A reason that asks for sooner action (bleeding in pregnancy: now) speaks for the level.
    when, action = (sooner["when"], sooner["action"]) if sooner else (info["when"], info["action"])
    advice = sooner["action"] if sooner else info["advice"]
    return {
        "level": level,
        "css": level.replace("_", "-"),
        "title": _(info["title"]),
        "when": _(when),
        "action": _(action).format(emergency_number=numbers["number"]),
        "who": _(info["who"]),
        "advice": _(advice),
        "situations": list(situations),
        "number": numbers["number"],
        "second_number": numbers.get("second"),
        "country": country,
        "country_name": country_name(country),
        "is_emergency": level == "emergency",
    }


def all_care_cards(country=None):
    return [care_card(level, country) for level in LEVELS]


def present(result, country=None):
    """What people see of an evaluation (knowledge.triage.evaluate, or an episode's stored
    assessment in the same shape), in one place for the self-check, the triage API and the
    diary's pages and API: the care card, the advice, each reason with its message in the
    person's language and its source, the pages to read next (addresses, and the pages
    themselves for a template), and the emergency number."""
    card = care_card(result["level"], country, sooner=result.get("sooner"))
    slugs = {page.url: page for page in all_pages(current_language()).values()}
    codes = {reason["code"] for reason in result["reasons"]}
    return {
        "level": result["level"],
        "card": card,
        "advice": card["advice"],
        "reasons": [{**reason, "message": _(reason["message"])} for reason in result["reasons"]],
        "pages": result["pages"],
        "read_next": [slugs[url] for url in result["pages"] if url in slugs],
        "emergency_number": card["number"],
        "non_consensual": "non_consensual" in codes,
        "child_safeguarding": "child_safeguarding" in codes,
        "rules_version": result["rules_version"],
    }
