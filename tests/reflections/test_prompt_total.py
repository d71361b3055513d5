"""A reflection keeps how many prompts its snapshot holds (prompt_total),
set with the snapshot by every way a reflection starts, so that status
lines count without reading prompts; migration 0017 counted the ones
there were."""

import pytest
from django.utils import timezone

from coaching.authoring import assignment_create
from reflections.services import article_bring, reflection_start

from ..conftest import coach_link, make_article, make_coach_article
from .migrating import migrate, migrate_to_latest


@pytest.mark.django_db
def test_every_way_to_start_sets_the_prompt_total(alice, bob, couple, coach):
    started = reflection_start(article=make_article(prompts=None), by=alice)
    brought = article_bring(
        by=alice,
        details={"title": "Ours", "url": "https://example.org/ours"},
        questions=[{"kind": "text", "text": "One?"}, {"kind": "text", "text": "Two?"}],
    )
    coach_link(coach, alice, bob)
    (assigned,) = assignment_create(coach=coach, article=make_coach_article(coach), couples=[couple])

    for reflection in (started, brought, assigned):
        reflection.refresh_from_db()
        assert reflection.prompt_total == reflection.prompts.count() > 0
    assert brought.prompt_total == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_snapshots_there_were():
    apps = migrate([("reflections", "0016_library_and_conversation_move_out")])
    Couple = apps.get_model("accounts", "Couple")
    Reflection = apps.get_model("reflections", "Reflection")
    ReflectionPrompt = apps.get_model("reflections", "ReflectionPrompt")
    three, none = (
        Reflection.objects.create(couple=Couple.objects.create(), title=t, created_at=timezone.now())
        for t in ("Three", "None")
    )
    ReflectionPrompt.objects.bulk_create(ReflectionPrompt(reflection=three, text=f"Q{n}?", order=n) for n in range(3))

    try:
        apps = migrate([("reflections", "0017_reflection_prompt_total")])
        totals = dict(apps.get_model("reflections", "Reflection").objects.values_list("title", "prompt_total"))
        assert totals == {"Three": 3, "None": 0}
    finally:
        migrate_to_latest()
