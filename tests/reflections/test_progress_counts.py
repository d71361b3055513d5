"""Each participant's answered and passed counts (Participant.answered,
.passed) are kept by answer_save in the save's transaction, so pages count
without reading answers; whatever the saves, they match the answers."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflections.encryption import AnswerContent
from reflections.models import Participant
from reflections.services import answer_save, progress_recount

from .migrating import migrate, migrate_to_latest

# What one save of one prompt can be: an answer, a pass, or emptied.
SAVES = st.sampled_from(["answer", "pass", "empty"])


def save(prompt, author, kind):
    if kind == "pass":
        return answer_save(prompt=prompt, author=author, passed=True)
    if kind == "empty":
        return answer_save(prompt=prompt, author=author, text="", scale_value=None)
    if prompt.is_scale:
        return answer_save(prompt=prompt, author=author, scale_value=7)
    if prompt.is_choice:
        return answer_save(prompt=prompt, author=author, text=prompt.choices[0])
    return answer_save(prompt=prompt, author=author, text="Some words")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(0, 20), SAVES), max_size=25))
def test_the_counts_match_the_answers_whatever_is_saved(reflection, alice, bob, steps):
    prompts = list(reflection.prompts.all())  # the examples share one database: they add up
    for by_alice, n, kind in steps:
        save(prompts[n % len(prompts)], alice if by_alice else bob, kind)

    assert progress_recount(reflection.participants.all()) == []


def test_a_pass_counts_as_an_answer_and_as_a_pass(reflection, alice):
    first, second = reflection.prompts.all()[:2]
    save(first, alice, "answer")
    save(second, alice, "pass")
    save(first, alice, "pass")  # an answer becomes a pass
    save(second, alice, "answer")  # and a pass an answer

    assert Participant.objects.values_list("answered", "passed").get(reflection=reflection, user=alice) == (2, 1)


def test_the_recount_finds_and_mends_a_wrong_count(reflection, alice):
    answer_save(prompt=reflection.prompts.first(), author=alice, passed=True)
    Participant.objects.filter(reflection=reflection, user=alice).update(answered=5, passed=0)

    wrong = progress_recount(reflection.participants.all())

    assert [p.user_id for p in wrong] == [alice.pk]
    assert Participant.objects.values_list("answered", "passed").get(reflection=reflection, user=alice) == (1, 1)


# The migration that added the counts


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_answers_there_were():
    apps = migrate([("reflections", "0014_talked_mark_per_partner")])
    User = apps.get_model("accounts", "User")
    Couple = apps.get_model("accounts", "Couple")
    Reflection = apps.get_model("reflections", "Reflection")
    ReflectionPrompt = apps.get_model("reflections", "ReflectionPrompt")
    Participant = apps.get_model("reflections", "Participant")
    Answer = apps.get_model("reflections", "Answer")
    robin, sam = (User.objects.create(email=f"{n}@example.com", display_name=n) for n in ("robin", "sam"))
    reflection = Reflection.objects.create(couple=Couple.objects.create(), title="Before", created_at=timezone.now())
    prompts = [ReflectionPrompt.objects.create(reflection=reflection, text=f"Q{n}?", order=n) for n in range(3)]
    for user in (robin, sam):
        Participant.objects.create(reflection=reflection, user=user)
    Answer.objects.create(prompt=prompts[0], author=robin, content=AnswerContent(text="Yes"))
    Answer.objects.create(prompt=prompts[1], author=robin, content=AnswerContent(passed=True))
    Answer.objects.create(prompt=prompts[2], author=sam, content=AnswerContent(text="No"))

    try:
        apps = migrate([("reflections", "0015_participant_progress_counters")])
        counts = apps.get_model("reflections", "Participant").objects.values_list("user", "answered", "passed")
        assert sorted(counts) == sorted([(robin.pk, 2, 1), (sam.pk, 1, 0)])
    finally:
        migrate_to_latest()
