"""Each participant's answered and passed counts, kept by answer_save from
now on; counted here once from the answers there are."""

from django.conf import settings
from django.db import migrations, models


def count_what_was_answered(apps, schema_editor):
    Answer = apps.get_model("reflections", "Answer")
    Participant = apps.get_model("reflections", "Participant")
    tally = {}
    rows = Answer.objects.values_list("prompt__reflection", "author", "content").order_by()
    for reflection_id, author_id, content in rows.iterator(chunk_size=2000):
        answered, passed = tally.get((reflection_id, author_id), (0, 0))
        tally[reflection_id, author_id] = (answered + 1, passed + int(content.passed))
    changed = []
    for participant in Participant.objects.only("pk", "reflection_id", "user_id").iterator(chunk_size=2000):
        counts = tally.get((participant.reflection_id, participant.user_id))
        if counts:
            participant.answered, participant.passed = counts
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["answered", "passed"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0014_talked_mark_per_partner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="answered",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="participant",
            name="passed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_what_was_answered, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(("passed__lte", models.F("answered"))), name="passes_are_answers"
            ),
        ),
    ]
