"""Which number to call for an emergency, by country.

The table and its sources live in emergency_numbers.yaml. Anything we do not know gets 112:
it works from GSM mobiles in many countries and is forwarded to the local number in some,
so it is the safest number to show when in doubt.
"""

import re
from functools import lru_cache
from pathlib import Path

import yaml

NUMBERS_PATH = Path(__file__).with_name("emergency_numbers.yaml")


@lru_cache(maxsize=1)
def _table():
    """Parse and check once: a wrong emergency number must fail loudly, not show up late."""
    with open(NUMBERS_PATH, encoding="utf-8") as f:
        table = yaml.safe_load(f)
    for code, entry in [("default", table["default"]), *table["countries"].items()]:
        if code != "default" and not (isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)):
            raise ValueError(f"emergency numbers: {code!r} is not a two-letter country code")
        numbers = [entry.get("number"), entry.get("second", "0")]
        if not all(isinstance(n, str) and n.isdigit() for n in numbers):
            raise ValueError(f"emergency numbers {code}: numbers must be quoted digits")
        if not str(entry.get("source", "")).startswith("https://"):
            raise ValueError(f"emergency numbers {code}: source must be an https:// address")
    return table


COUNTRY_CODES = tuple(sorted(_table()["countries"]))


def emergency_numbers(country_code):
    """The number, an optional second medical number (or None) and the source to cite."""
    code = country_code.strip().upper() if isinstance(country_code, str) else None
    table = _table()
    entry = table["countries"].get(code, table["default"])
    return {"number": entry["number"], "second": entry.get("second"), "source": entry["source"]}


def emergency_number(country_code):
    """The number to show on a care card; 112 when the country is unknown or not given."""
    return emergency_numbers(country_code)["number"]
