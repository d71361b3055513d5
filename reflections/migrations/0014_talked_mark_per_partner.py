import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_marks_without_a_marker(apps, schema_editor):
    """A mark becomes its marker's own: one whose marker is gone has nobody
    to belong to."""
    apps.get_model("reflections", "TalkedMark").objects.filter(marked_by__isnull=True).delete()


class Migration(migrations.Migration):
    """One "we talked about this" mark per partner and prompt: the existing
    marks are kept, each as its marker's own."""

    dependencies = [
        ("reflections", "0013_follow_ups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_marks_without_a_marker, migrations.RunPython.noop),
        migrations.RenameField(model_name="talkedmark", old_name="marked_by", new_name="user"),
        migrations.AlterField(
            model_name="talkedmark",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="talkedmark",
            name="prompt",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="talked_marks",
                to="reflections.reflectionprompt",
            ),
        ),
        migrations.AddConstraint(
            model_name="talkedmark",
            constraint=models.UniqueConstraint(fields=("prompt", "user"), name="one_talked_mark_per_partner"),
        ),
    ]
