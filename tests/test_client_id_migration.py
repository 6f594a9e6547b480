"""Migration diary 0006 gives every episode logged before it a client_id of its own."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("diary", "0005_episode_assumptions_follow_up")]
AFTER = [("diary", "0006_every_episode_has_a_client_id")]


def test_every_episode_gets_its_own_client_id():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        owner = old.get_model("auth", "User").objects.create(username="wren")
        for hours in (1, 2, 3):
            old.get_model("diary", "Episode").objects.create(
                owner_id=owner.pk,
                occurred_at=timezone.now() - datetime.timedelta(hours=hours),
                amount="light",
                client_id=None,
            )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("diary", "Episode")
        client_ids = list(new.objects.values_list("client_id", flat=True))
        assert len(client_ids) == 3 and None not in client_ids and len(set(client_ids)) == 3
    finally:
        MigrationExecutor(connection).migrate(latest)
