"""The browser's evaluator (static/js/triage.js) gives the server's answer (knowledge.triage)
for the same answers: the same level, reasons in the same order with the same messages and
pages, the same sooner time frame and rules version.

It runs in Chromium on a blank page of the live server, with the rule table as the browser
gets it from /api/v1/rules/, on every public vignette and on 500 random answers drawn with a
fixed seed from the vocabulary the API validates, with fields left out or unknown (None).
"""

import copy
import json
import random

import pytest
from django.templatetags.static import static

from knowledge import triage
from knowledge.api import TriageInputSerializer
from tests.test_triage_vignettes import VIGNETTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLANK = "/offline-triage-blank/"
# Either side of every age and count in the rules, and the API's limits.
AGES = (10, 12, 13, 15, 16, 24, 25, 44, 45, 46, 70, 120)
EPISODES = (0, 0, 0, 1, 2, 3, 1000)
DAYS = (0, 0, 0, 1, 27, 28, 29, 36500)
FLAGS = triage.FLAGS
# Answers that reassure rather than worry: half the time yes.
REASSURING = ("first_intercourse", "partner_blood")
SEED = 20261125


@pytest.fixture
def evaluator(page, live_server):
    """A function that evaluates a list of answers in the browser, with the table served at
    /api/v1/rules/ (or another table given)."""
    page.route(
        live_server.url + BLANK,
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>blank</title>"
        ),
    )
    page.goto(live_server.url + BLANK)
    page.add_script_tag(url=live_server.url + static("js/triage.js"))
    served = page.evaluate("fetch('/api/v1/rules/?language=en').then((r) => r.json())")
    # The table itself, and the language its words are in.
    assert served.pop("language") == "en"
    assert served == json.loads(json.dumps(triage.load_rules())), "the API serves another table"

    def run(answers_list, table=None):
        return page.evaluate(
            """([list, table]) => {
                const rules = table || window.servedTable;
                return list.map((answers) => HarbourTriage.evaluate(rules, answers));
            }""",
            [answers_list, table],
        )

    page.evaluate("(table) => { window.servedTable = table; }", served)
    return run


def server(answers, table=None):
    """The server's answer, as JSON would carry it."""
    return json.loads(json.dumps(triage.evaluate(answers, table)))


def assert_same_answers(inputs, results, table=None):
    """Every browser result equals the server's; the first few that do not are shown with
    their answers, level and reason codes on both sides."""
    found = []
    for answers, got in zip(inputs, results, strict=True):
        wanted = server(answers, table)
        if got != wanted:
            keys = sorted(k for k in {*got, *wanted} if got.get(k) != wanted.get(k))
            found.append(
                f"answers {json.dumps(answers)}\n  differ in {keys}\n"
                f"  server  {wanted['level']} {[r['code'] for r in wanted['reasons']]}\n"
                f"  browser {got['level']} {[r['code'] for r in got['reasons']]}"
            )
    assert not found, f"{len(found)} of {len(inputs)} differ:\n" + "\n".join(found[:3])


def random_answers(rng):
    """One set of answers from the contract's vocabulary. Each field may be left out (its
    default) or unknown (None), as the diary sends them; otherwise it is the harmless
    default or, as often as the answer's `worry` says, any value: calm answers reach the
    reassurance rules, worried ones the combinations of red flags."""
    values = {
        **{field: list(options) for field, options in triage.CHOICES.items() if field != "pain"},
        **{flag: [False, True] for flag in FLAGS},
        "age": list(AGES) + [rng.randint(10, 120)],
        "previous_episodes_6_months": list(EPISODES),
        "first_episode_days_ago": list(DAYS) + [rng.randint(0, 36500)],
    }
    worry = rng.choice((0.05, 0.2, 0.5, 0.8))
    answers = {}
    for field, options in values.items():
        roll = rng.random()
        if roll < 0.15 and field not in ("age", "amount"):
            continue  # left out: the default
        if roll < 0.22:
            answers[field] = None  # not known
        elif field in triage.DEFAULTS and field not in REASSURING and rng.random() > worry:
            answers[field] = copy.copy(triage.DEFAULTS[field])
        elif field == "symptoms":
            answers[field] = rng.sample(options, rng.choice((1, 1, 2, 3)))
        else:
            answers[field] = rng.choice(options)
    return answers


def valid_for_the_api(answers):
    """Whether the answers are what the API would accept once the unknowns are left out."""
    known = {field: value for field, value in answers.items() if value is not None}
    return TriageInputSerializer(data=known).is_valid()


def test_every_public_vignette_gets_the_servers_answer(evaluator):
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))["vignettes"]
    inputs = [vignette["input"] for vignette in vignettes]
    results = evaluator(inputs)
    assert_same_answers(inputs, results)
    assert [r["level"] for r in results] == [v["expected_level"] for v in vignettes]


def test_500_random_answers_get_the_servers_answer(evaluator):
    rng = random.Random(SEED)
    inputs = [random_answers(rng) for _ in range(500)]
    results = evaluator(inputs)
    assert_same_answers(inputs, results)
    # The sample is worth something: every rule fires, every variant and sooner time frame
    # is read, every level is reached, and unknown ages and amounts are among the answers.
    codes = {reason["code"] for result in results for reason in result["reasons"]}
    assert codes == {rule["code"] for rule in triage.load_rules()["rules"]}
    messages = {reason["message"] for result in results for reason in result["reasons"]}
    variants = [v["message"] for r in triage.load_rules()["rules"] for v in r.get("variants", [])]
    assert set(variants) <= messages
    assert {result["level"] for result in results} == set(triage.LEVELS)
    assert {r["sooner"]["when"] for r in results if r["sooner"]} == {
        "Now",
        "Within a few days if it hurts",
    }
    assert any(a.get("age", 0) is None for a in inputs)
    assert any(a.get("amount", 0) is None for a in inputs)
    known_answers = [a for a in inputs if valid_for_the_api({**a, "age": a["age"] or 30})]
    assert len(known_answers) > 100, "too few answers the API itself would take"


def test_a_table_with_a_routine_red_flag_gets_the_servers_answer(evaluator):
    """The general case the current table does not use: a red flag below `soon` is listed
    beside the fallback, and reassurance still decides over it."""
    table = copy.deepcopy(triage.load_rules())
    extra = {**table["rules"][0], "code": "dryness", "level": "routine"}
    extra["when"] = {"field": "symptoms", "has": "vaginal_dryness"}
    extra.pop("variants")
    table["rules"].insert(0, extra)
    rng = random.Random(SEED + 1)
    inputs = [random_answers(rng) for _ in range(100)]
    inputs += [
        {"age": 30, "amount": "light", "symptoms": ["vaginal_dryness"]},
        {"age": 30, "amount": "light", "symptoms": ["vaginal_dryness"], "first_intercourse": True},
    ]
    assert_same_answers(inputs, evaluator(inputs, table), table)


def test_it_runs_in_a_worker_as_in_a_service_worker(evaluator, page, live_server):
    """A service worker loads it with importScripts(), where the global is `self`."""
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))["vignettes"]
    inputs = [vignette["input"] for vignette in vignettes]
    results = page.evaluate(
        """([url, list]) => new Promise((resolve, reject) => {
            const code = `importScripts(${JSON.stringify(url)});
                onmessage = (e) => postMessage(
                    e.data.list.map((a) => HarbourTriage.evaluate(e.data.table, a)));`;
            const worker = new Worker(URL.createObjectURL(new Blob([code])));
            worker.onmessage = (event) => resolve(event.data);
            worker.onerror = (event) => reject(new Error(event.message));
            worker.postMessage({ table: window.servedTable, list });
        })""",
        [live_server.url + static("js/triage.js"), inputs],
    )
    assert_same_answers(inputs, results)
