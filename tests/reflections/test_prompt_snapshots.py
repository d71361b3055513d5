"""A reflection's prompts are a snapshot taken when it starts and never
change, so pages keep them in the snapshots cache once read (prompts_of)."""

from django.core.cache import caches

from reflections.models import ReflectionPrompt
from reflections.selectors import SNAPSHOT_COLUMNS, _snapshot_key, prompts_of

PLAIN = (type(None), bool, int, float, str, list, dict)


def test_prompts_are_read_once_then_kept(reflection, django_assert_num_queries):
    caches["snapshots"].clear()
    with django_assert_num_queries(1):
        first = prompts_of(reflection)
    with django_assert_num_queries(0):
        again = prompts_of(reflection)

    expected = list(ReflectionPrompt.objects.filter(reflection=reflection))
    assert [(p.pk, p.order, p.kind, p.text, p.choices) for p in first] == [
        (p.pk, p.order, p.kind, p.text, p.choices) for p in expected
    ]
    assert [p.pk for p in again] == [p.pk for p in first]


def test_every_call_hands_out_new_prompts(reflection):
    first = prompts_of(reflection)
    first[0].mine = "an answer hung on it by a page"
    choice = next(p for p in first if p.is_choice)
    choice.choices.append("Tampered")

    again = prompts_of(reflection)
    assert not hasattr(again[0], "mine")
    assert "Tampered" not in next(p for p in again if p.is_choice).choices


def test_a_reused_primary_key_does_not_read_another_reflections_prompts(reflection):
    prompts_of(reflection)
    reflection.created_at = reflection.created_at.replace(year=reflection.created_at.year - 1)
    ReflectionPrompt.objects.filter(reflection=reflection).update(text="Asked of another reflection")

    assert {p.text for p in prompts_of(reflection)} == {"Asked of another reflection"}


def test_the_cache_holds_plain_data_not_model_instances(reflection):
    """A pickled model outlives a schema change or a Django upgrade."""
    prompts_of(reflection)

    rows = caches["snapshots"].get(_snapshot_key(reflection))

    assert rows and all(isinstance(row, tuple) and len(row) == len(SNAPSHOT_COLUMNS) for row in rows)
    assert all(isinstance(value, PLAIN) for row in rows for value in row)
