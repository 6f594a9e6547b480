import uuid

from django.db import migrations, models


def fill_client_ids(apps, schema_editor):
    """Episodes logged on the web before every episode had one: an export carries each
    episode's client_id, and an import matches episodes by it."""
    Episode = apps.get_model("diary", "Episode")
    for episode in Episode.objects.filter(client_id__isnull=True).only("pk").iterator():
        Episode.objects.filter(pk=episode.pk).update(client_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("diary", "0005_episode_assumptions_follow_up")]

    operations = [
        migrations.RunPython(fill_client_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="episode",
            name="client_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
