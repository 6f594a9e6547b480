"""How much work the self-check is on a phone: four journeys, measured in a real browser.

For each scenario: open /check/, measure the question page (height, where the submit button
is, whether it is on screen without scrolling), answer by input name and value, submit, and if
the form comes back with an error fill in what it asks for and submit again, until a care card
shows. Counts one interaction per radio/checkbox tap, text field filled and submit press.

Run against a running server (any port):

    .venv/bin/python bench/self_check_journeys.py http://127.0.0.1:8000 --label before \
        --json test-artifacts/bench/before.json
    .venv/bin/python bench/self_check_journeys.py http://127.0.0.1:8000 --only d \
        --accept-language en-GB --label before-en-GB

Screenshots go to test-artifacts/bench/<label>/. Needs Playwright and Chromium at /usr/bin/chromium.
Only input names are relied on, so the script keeps working when the form's layout changes.
"""

import argparse
import json
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

# key, name, answers in the order a person gives them, answers given only if an error asks.
SCENARIOS = [
    ("a", "24, first time, spotting", "amount=spotting age=24 first_intercourse=yes", "age=24"),
    ("b", "52, periods stopped, light", "amount=light age=52 menopause=yes", ""),
    ("c", "pregnant with cramping", "amount=spotting pregnancy=yes pain_after=mild", "age=30"),
    # d skips the age on purpose: it measures what happens to someone in an emergency.
    ("d", "heavy and dizzy", "amount=heavy faint=yes", "age=30"),
]

VIEWPORT = {"width": 390, "height": 844}
CHROMIUM_ARGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
).split()
FORM = "main form:has([name=amount])"
SUBMIT = f"{FORM} button[type=submit]"
CARD = "main .care-card:visible"
MAX_ROUNDS = 5
COLUMNS = (
    "scenario:30 interactions:12 question_height:15 submit_y:8 submit_visible_on_load:7 "
    "result_height:13 level:32 tel:10"
)


def page_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def submit_position(page):
    """(y from the top of the page, on screen at load?) for the form's submit button."""
    button = page.locator(SUBMIT).last
    return button.evaluate("""b => {
        const r = b.getBoundingClientRect(), style = getComputedStyle(b);
        const shown = r.width > 0 && r.height > 0 && style.visibility !== 'hidden';
        return [Math.round(r.top + window.scrollY),
                shown && r.top < window.innerHeight && r.bottom > 0];
    }""")


def answer(page, name, value):
    """Set one field like a person would. Returns 1 if it took a tap or typing, 0 if already
    so, None if the field is not on this page (yet)."""
    field = page.locator(f'{FORM} [name="{name}"]')
    if field.count() == 0:
        return None
    kind = (field.first.get_attribute("type") or field.first.evaluate("e => e.tagName")).lower()
    if kind in ("radio", "checkbox"):
        choice = page.locator(f'{FORM} input[name="{name}"][value="{value}"]')
        if choice.is_checked():
            return 0
        box = choice.bounding_box()
        if box and box["width"] >= 8 and box["height"] >= 8 and choice.is_visible():
            choice.click()
        else:  # visually hidden input: tap its label
            input_id = choice.get_attribute("id")
            label = page.locator(f'label[for="{input_id}"]') if input_id else None
            if not label or label.count() == 0:
                label = choice.locator("xpath=ancestor::label[1]")
            label.first.click()
        if not choice.is_checked():
            raise RuntimeError(f"tapping {name}={value} did not select it")
    elif kind == "select":
        field.first.select_option(value)
    else:
        if not field.first.is_visible():  # revealed later, perhaps by another answer
            return None
        if field.first.input_value() == value:
            return 0
        field.first.fill(value)
    return 1


def tel_links(page):
    hrefs = page.eval_on_selector_all('a[href^="tel:"]', "as => as.map(a => a.href)")
    return list(dict.fromkeys(hrefs))


def asked_fields(page):
    """Names of the fields an error points at: error summary links, aria-invalid, :invalid."""
    return set(
        page.evaluate("""() => {
        const names = [];
        for (const a of document.querySelectorAll('main a[href^="#"]')) {
            const el = document.getElementById(a.getAttribute('href').slice(1));
            const input = el && (el.name ? el : el.querySelector('[name]'));
            if (input && a.closest('.error-summary, [role=alert]')) names.push(input.name);
        }
        for (const el of document.querySelectorAll('main [aria-invalid=true], main form :invalid'))
            if (el.name) names.push(el.name);
        return names;
    }""")
    )


def press_submit(page):
    try:
        with page.expect_navigation(timeout=10000):
            page.locator(SUBMIT).last.click()
    except PlaywrightTimeout:  # a form that answers without a new page, or blocked by the browser
        pass
    page.wait_for_load_state("load")


def pairs(text):
    return [tuple(item.split("=", 1)) for item in text.split()]


def run_scenario(browser, base_url, scenario, outdir, accept_language):
    key, name, answers, if_asked = scenario
    headers = {"Accept-Language": accept_language} if accept_language else {}
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=1, is_mobile=True, has_touch=True,
        extra_http_headers=headers,
    )  # fmt: skip
    page = context.new_page()
    response = page.goto(base_url.rstrip("/") + "/check/")
    result = {
        "scenario": f"{key}. {name}",
        "accept_language": response.request.all_headers().get("accept-language"),
        "question_height": page_height(page),
    }
    result["submit_y"], result["submit_visible_on_load"] = submit_position(page)
    page.screenshot(path=str(outdir / f"{key}-question.png"), full_page=True)

    interactions, pending, errors = 0, pairs(answers), []
    for round_number in range(1, MAX_ROUNDS + 1):
        done = {item: answer(page, *item) for item in pending}
        pending = [item for item, taps in done.items() if taps is None]  # not on this page yet
        interactions += sum(taps for taps in done.values() if taps) + 1  # + the submit press
        press_submit(page)
        if page.locator(CARD).count():
            break
        asked = asked_fields(page)
        summary = page.locator("main .error-summary, main [role=alert]")
        text = " ".join(summary.first.inner_text().split()) if summary.count() else None
        errors.append(
            {"asked": sorted(asked), "text": text, "height": page_height(page),
             "tel": tel_links(page)}
        )  # fmt: skip
        page.screenshot(path=str(outdir / f"{key}-error{round_number}.png"), full_page=True)
        pending += [(n, v) for n, v in pairs(if_asked) if n in asked]
        if not pending:  # asked for something the scenario has no answer for: give up
            break

    result.update(interactions=interactions, error_rounds=errors, level="NO RESULT")
    result.update(result_height=None, tel=None, tel_links=[])
    card = page.locator(CARD)
    if card.count():
        heading = card.first.locator("h1, h2, h3, h4, [class*=heading]").first
        lines = [line.strip() for line in heading.inner_text().splitlines() if line.strip()]
        result.update(level=" / ".join(lines), result_height=page_height(page))
        result["tel_links"] = tel_links(page)
        result["tel"] = result["tel_links"][0] if result["tel_links"] else None
        page.screenshot(path=str(outdir / f"{key}-result.png"), full_page=True)
    context.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("--accept-language", default=None, help="default: none set")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument(
        "--label", default="run", help="screenshots go to test-artifacts/bench/LABEL/"
    )
    parser.add_argument("--only", help="scenario keys to run, e.g. d or ab")
    args = parser.parse_args()

    outdir = Path("test-artifacts/bench") / args.label
    outdir.mkdir(parents=True, exist_ok=True)
    scenarios = [s for s in SCENARIOS if not args.only or s[0] in args.only]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        results = [run_scenario(browser, args.base_url, s, outdir, args.accept_language)
                   for s in scenarios]  # fmt: skip
        browser.close()

    sent = results[0]["accept_language"] if results else "-"
    print(f"Accept-Language set: {args.accept_language or '(none)'}; sent: {sent}")
    columns = [c.split(":") for c in COLUMNS.split()]
    print("  ".join(name[: int(width)].ljust(int(width)) for name, width in columns))
    for r in results:
        print("  ".join(str(r[name])[: int(width)].ljust(int(width)) for name, width in columns))
    for r in results:
        for i, e in enumerate(r["error_rounds"], 1):
            print(f"{r['scenario']}: error page {i} (height {e['height']}, tel links", end=" ")
            print(f"{e['tel'] or 'none'}) asked for {e['asked']}: {e['text']}")
    if args.json:
        report = {"base_url": args.base_url, "accept_language": args.accept_language}
        Path(args.json).write_text(json.dumps({**report, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
