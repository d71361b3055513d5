"""The migration to one "we talked about this" mark per partner keeps each
existing mark as its marker's own, and drops a mark whose marker is gone."""

import pytest
from django.utils import timezone

from .migrating import migrate, migrate_to_latest

BEFORE = [("reflections", "0013_follow_ups")]
AFTER = [("reflections", "0014_talked_mark_per_partner")]


@pytest.mark.django_db(transaction=True)
def test_existing_marks_become_their_markers_own():
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Couple = apps.get_model("accounts", "Couple")
    Reflection = apps.get_model("reflections", "Reflection")
    ReflectionPrompt = apps.get_model("reflections", "ReflectionPrompt")
    TalkedMark = apps.get_model("reflections", "TalkedMark")
    robin = User.objects.create(email="robin@example.com", display_name="Robin")
    reflection = Reflection.objects.create(couple=Couple.objects.create(), title="Before", revealed_at=timezone.now())
    kept, orphan = (ReflectionPrompt.objects.create(reflection=reflection, text=f"Q{n}?") for n in (1, 2))
    TalkedMark.objects.create(prompt=kept, marked_by=robin)
    TalkedMark.objects.create(prompt=orphan, marked_by=None)  # its marker deleted their account

    try:
        apps = migrate(AFTER)
        marks = list(apps.get_model("reflections", "TalkedMark").objects.values_list("prompt", "user"))
        assert marks == [(kept.pk, robin.pk)]
    finally:
        migrate_to_latest()
