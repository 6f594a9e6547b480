"""Work out again the current advice of every diary episode, with the rule table as it is now.

Run it after a deploy that changes the rules version (`version` in knowledge/rules.yaml):
a version-1 "self-care" may be "soon" under version 2. What each person was told when they
logged an episode is kept as it was. `make run` runs it after migrating; it is quick when
nothing changed, since only the episodes whose answer moved are written.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from diary.assessment import reassess
from diary.models import Episode


class Command(BaseCommand):
    help = "Re-assess every diary episode with the current rule table."

    def handle(self, *args, **options):
        owners = Episode.objects.values_list("owner", flat=True).distinct()
        changed = 0
        for owner in get_user_model().objects.filter(pk__in=owners).order_by("pk"):
            # One person's diary at a time: all of it or none of it.
            with transaction.atomic():
                changed += len(reassess(owner))
        self.stdout.write(f"{changed} episodes have new current advice")
