"""Write knowledge/rule_texts.py from knowledge/rules.yaml: every text of the table that a
person reads, marked for translation, so that `makemessages` puts it in the catalogues.

Run it after changing a text in rules.yaml, then `makemessages`:
tests/test_rule_texts.py fails while the file is out of date.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from knowledge import triage

TARGET = Path(triage.__file__).with_name("rule_texts.py")

HEADER = '''"""Every text of knowledge/rules.yaml that a person reads (the levels' words, the rules'
messages and their variants, sooner actions), marked for translation: `makemessages` reads
Python, not YAML. knowledge/care.py translates them where they are shown.

Written by `python manage.py write_rule_texts`; do not edit by hand.
"""

from django.utils.translation import gettext_noop

TEXTS = (
'''


def render(table=None):
    lines = [HEADER]
    for text in triage.texts(table):
        lines.append(f"    gettext_noop({text!r}),\n")
    lines.append(")\n")
    return "".join(lines)


class Command(BaseCommand):
    help = "Write knowledge/rule_texts.py from rules.yaml, for makemessages."

    def handle(self, *args, **options):
        TARGET.write_text(render(), encoding="utf-8")
        self.stdout.write(f"wrote {TARGET.name}: {len(triage.texts())} texts")
