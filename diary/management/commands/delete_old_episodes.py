"""Automatic deletion: delete the episodes older than the age each person chose, and every
device token that has expired.

A scheduler runs it daily (a cron line and a systemd timer are in the README); the diary
page also runs it for the person who opens it (diary/your_data/retention.py). It prints
counts only, never a username or anything from a diary.
"""

from django.core.management.base import BaseCommand

from diary.accounts.tokens import delete_expired_tokens
from diary.your_data.retention import delete_old_episodes_for_everyone


class Command(BaseCommand):
    help = (
        "Delete the episodes older than the age each person chose for automatic deletion, "
        "and the device tokens that have expired."
    )

    def handle(self, *args, **options):
        people, episodes = delete_old_episodes_for_everyone()
        self.stdout.write(
            f"{episodes} episodes deleted for {people} people with automatic deletion"
        )
        self.stdout.write(f"{delete_expired_tokens()} expired device tokens deleted")
