"""Audit finding 7: an answer's text, scale value and pass become one padded
ciphertext (Answer.content); the clear scale_value and passed columns go."""

from django.db import migrations

import reflections.encryption


def seal_answers(apps, schema_editor):
    Answer = apps.get_model("reflections", "Answer")
    for answer in Answer.objects.iterator(chunk_size=500):
        answer.content = reflections.encryption.AnswerContent(
            text=answer.text, scale_value=answer.scale_value, passed=answer.passed
        )
        answer.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0008_share_consent_belongs_to_a_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="content",
            field=reflections.encryption.EncryptedAnswerField(null=True),
        ),
        migrations.RunPython(seal_answers, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="answer", name="scale_value_between_1_and_10"),
        migrations.RemoveField(model_name="answer", name="passed"),
        migrations.RemoveField(model_name="answer", name="scale_value"),
        migrations.RemoveField(model_name="answer", name="text"),
        migrations.AlterField(
            model_name="answer",
            name="content",
            field=reflections.encryption.EncryptedAnswerField(default=reflections.encryption.AnswerContent),
        ),
    ]
