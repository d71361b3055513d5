"""The scale rule lives in one place (library.models.on_the_scale and its
message), now that the database cannot check a number sealed in an
answer's ciphertext: the form and the service both ask it."""

import pytest

from core.errors import DomainError
from library.models import OFF_THE_SCALE, SCALE_MAX, SCALE_MIN, on_the_scale
from reflections.forms import field_name, parse_answer
from reflections.services import answer_save, reflection_start

from ..conftest import make_article


@pytest.fixture
def scale_prompt(couple, alice):
    article = make_article(
        prompts=[{"kind": "scale", "text": "How close?", "scale_min_label": "a", "scale_max_label": "b"}]
    )
    return reflection_start(article=article, by=alice).prompts.get()


def test_the_scale_runs_from_one_to_ten():
    assert (SCALE_MIN, SCALE_MAX) == (1, 10)
    assert [n for n in range(-1, 13) if on_the_scale(n)] == list(range(1, 11))


@pytest.mark.parametrize("value", [SCALE_MIN, SCALE_MAX])
def test_the_service_saves_either_end(scale_prompt, alice, value):
    assert answer_save(prompt=scale_prompt, author=alice, scale_value=value).scale_value == value


@pytest.mark.parametrize("value", [SCALE_MIN - 1, SCALE_MAX + 1, -5, 1000])
def test_the_service_refuses_a_number_off_the_scale(scale_prompt, alice, value):
    with pytest.raises(DomainError, match=OFF_THE_SCALE):
        answer_save(prompt=scale_prompt, author=alice, scale_value=value)


@pytest.mark.parametrize("raw", ["ten", "1.5", "½"])
def test_the_form_says_the_same_of_what_is_no_number(scale_prompt, raw):
    posted = {field_name(scale_prompt, "shown"): "1", field_name(scale_prompt, "scale"): raw}

    assert parse_answer(scale_prompt, posted).error == OFF_THE_SCALE
