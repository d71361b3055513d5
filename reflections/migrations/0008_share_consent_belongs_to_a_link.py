"""Audit finding 6: a consent to share belongs to one coaching link. Each
existing consent moves to the couple's open link with its coach; a consent
whose coaching has ended, or whose coach was switched off, is dropped, as ending the
coaching would have dropped it."""

import django.db.models.deletion
from django.db import migrations, models


def consents_to_links(apps, schema_editor):
    ShareConsent = apps.get_model("reflections", "ShareConsent")
    CoachingLink = apps.get_model("accounts", "CoachingLink")
    for consent in ShareConsent.objects.select_related("reflection").iterator():
        link = CoachingLink.objects.filter(
            coach_id=consent.coach_id,
            couple_id=consent.reflection.couple_id,
            started_at__isnull=False,
            ended_at__isnull=True,
            coach__coach_profile__active=True,
        ).first()
        if link is None:
            consent.delete()
        else:
            consent.link = link
            consent.save(update_fields=["link"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_coachinglink_coachingacceptance_coachprofile_and_more"),
        ("reflections", "0007_reflection_couple_revealed_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="shareconsent",
            name="link",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="share_consents",
                to="accounts.coachinglink",
            ),
        ),
        migrations.RunPython(consents_to_links, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="shareconsent", name="one_consent_per_partner"),
        migrations.RemoveField(model_name="shareconsent", name="coach"),
        migrations.AlterField(
            model_name="shareconsent",
            name="link",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="share_consents",
                to="accounts.coachinglink",
            ),
        ),
        migrations.AddConstraint(
            model_name="shareconsent",
            constraint=models.UniqueConstraint(
                fields=("reflection", "user", "link"), name="one_consent_per_partner_and_link"
            ),
        ),
    ]
