"""Saving answers: the plain form, htmx autosave, and bad input that gets a
clear message and loses nothing typed."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from reflections.models import Answer
from reflections.services import answer_save, readiness_set, reflection_start

from ..conftest import answer_all, link, make_article, reveal

HTMX = {"HX-Request": "true"}


@pytest.fixture
def text_prompt(reflection):
    return reflection.prompts.get(kind="text")


@pytest.fixture
def scale_prompt(reflection):
    return reflection.prompts.get(kind="scale")


@pytest.fixture
def choice_prompt(reflection):
    return reflection.prompts.get(kind="choice")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def fields(prompt, *, text=None, scale=None, passed=False):
    """What the form posts for one prompt."""
    data = {f"p{prompt.pk}-shown": "1"}
    if text is not None:
        data[f"p{prompt.pk}-text"] = text
    if scale is not None:
        data[f"p{prompt.pk}-scale"] = scale
    if passed:
        data[f"p{prompt.pk}-passed"] = "on"
    return data


def save_url(reflection):
    return reverse("reflections:answers_save", args=[reflection.pk])


# The plain form


def test_plain_form_saves_every_answer(as_alice, alice, reflection, text_prompt, scale_prompt, choice_prompt):
    data = {
        **fields(text_prompt, text="I noticed a lot"),
        **fields(scale_prompt, scale="7"),
        **fields(choice_prompt, text="Coffee"),
    }

    as_alice.post(save_url(reflection), data)

    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "I noticed a lot"
    assert Answer.objects.get(prompt=scale_prompt, author=alice).scale_value == 7
    assert Answer.objects.get(prompt=choice_prompt, author=alice).text == "Coffee"


def test_plain_form_redirects_back_to_the_reflection(as_alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="Hello"), follow=True)

    assert response.redirect_chain == [(reverse("reflections:reflection", args=[reflection.pk]), 302)]
    assert "Saved." in response.content.decode()


def test_saving_again_updates_the_one_answer(as_alice, alice, reflection, text_prompt):
    as_alice.post(save_url(reflection), fields(text_prompt, text="First"))

    as_alice.post(save_url(reflection), fields(text_prompt, text="Second"))

    assert [a.text for a in Answer.objects.filter(prompt=text_prompt, author=alice)] == ["Second"]


def test_saved_answer_shows_again_in_the_form(as_alice, reflection, text_prompt):
    as_alice.post(save_url(reflection), fields(text_prompt, text="Still here tomorrow"))

    body = as_alice.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert ">Still here tomorrow</textarea>" in body


# htmx autosave


def test_autosave_saves_one_prompt_and_says_saved(as_alice, alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="Typed so far"), headers=HTMX)

    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "Typed so far"


def test_autosave_reports_progress(as_alice, reflection, text_prompt, scale_prompt):
    as_alice.post(save_url(reflection), fields(text_prompt, text="One"), headers=HTMX)

    response = as_alice.post(save_url(reflection), fields(scale_prompt, scale="4"), headers=HTMX)

    assert "2 of 3 answered" in response.content.decode()


def test_autosave_returns_a_fragment_not_a_page(as_alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="One"), headers=HTMX)

    assert "<html" not in response.content.decode()


def test_autosave_leaves_other_prompts_alone(as_alice, alice, reflection, text_prompt, scale_prompt):
    answer_save(prompt=scale_prompt, author=alice, scale_value=9)

    as_alice.post(save_url(reflection), fields(text_prompt, text="Only this"), headers=HTMX)

    assert Answer.objects.get(prompt=scale_prompt, author=alice).scale_value == 9


def test_emptying_an_answer_takes_it_out_of_the_count(as_alice, reflection, text_prompt):
    as_alice.post(save_url(reflection), fields(text_prompt, text="Something"), headers=HTMX)

    response = as_alice.post(save_url(reflection), fields(text_prompt, text="   "), headers=HTMX)

    assert "0 of 3 answered" in response.content.decode()


# Passing


def test_a_pass_counts_towards_my_progress_apart_from_answers(as_alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, passed=True), headers=HTMX)

    html = response.content.decode()
    assert "0 answered, 1 passed of 3" in html
    assert '<progress max="3" value="1"' in html


def test_a_pass_clears_the_text(as_alice, alice, reflection, text_prompt):
    as_alice.post(save_url(reflection), fields(text_prompt, text="Changed my mind"))

    as_alice.post(save_url(reflection), fields(text_prompt, text="Changed my mind", passed=True))

    answer = Answer.objects.get(prompt=text_prompt, author=alice)
    assert answer.passed
    assert answer.text == ""


def test_a_pass_clears_the_scale(as_alice, alice, reflection, scale_prompt):
    as_alice.post(save_url(reflection), fields(scale_prompt, scale="3"))

    as_alice.post(save_url(reflection), fields(scale_prompt, scale="3", passed=True))

    answer = Answer.objects.get(prompt=scale_prompt, author=alice)
    assert answer.passed
    assert answer.scale_value is None


# Too long


def test_answer_of_exactly_the_limit_is_saved(as_alice, alice, reflection, text_prompt):
    text = "x" * 10_000

    as_alice.post(save_url(reflection), fields(text_prompt, text=text))

    assert Answer.objects.get(prompt=text_prompt, author=alice).text == text


def test_too_long_answer_is_refused_naming_the_limit(as_alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="x" * 10_001))

    assert response.status_code == 400
    assert "at most 10,000 characters" in response.content.decode()


def test_too_long_answer_keeps_the_typed_text_in_the_form(as_alice, reflection, text_prompt):
    text = "Every word I typed " * 600

    response = as_alice.post(save_url(reflection), fields(text_prompt, text=text))

    assert f">{text}</textarea>" in response.content.decode()


def test_too_long_answer_is_not_saved(as_alice, alice, reflection, text_prompt):
    answer_save(prompt=text_prompt, author=alice, text="The earlier answer")

    as_alice.post(save_url(reflection), fields(text_prompt, text="x" * 10_001))

    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "The earlier answer"


def test_too_long_answer_in_autosave_is_refused_with_422(as_alice, alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="x" * 10_001), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 422
    assert "10,000" in body
    assert "Saved." not in body
    assert not Answer.objects.filter(author=alice).exists()


def test_other_answers_in_the_same_post_still_save(as_alice, alice, reflection, text_prompt, scale_prompt):
    data = {**fields(text_prompt, text="x" * 10_001), **fields(scale_prompt, scale="6")}

    response = as_alice.post(save_url(reflection), data)

    assert response.status_code == 400
    assert Answer.objects.get(prompt=scale_prompt, author=alice).scale_value == 6


# Scale and choice


@pytest.mark.parametrize("value", ["0", "11", "-3", "99999999999999999999", "seven", "5.5"])
def test_scale_outside_one_to_ten_is_refused(as_alice, alice, reflection, scale_prompt, value):
    response = as_alice.post(save_url(reflection), fields(scale_prompt, scale=value))

    assert response.status_code == 400
    assert "Choose a number from 1 to 10." in response.content.decode()
    assert not Answer.objects.filter(author=alice).exists()


@pytest.mark.parametrize("value", ["11", "seven"])
def test_scale_outside_one_to_ten_in_autosave_is_refused(as_alice, alice, reflection, scale_prompt, value):
    response = as_alice.post(save_url(reflection), fields(scale_prompt, scale=value), headers=HTMX)

    assert response.status_code == 422
    assert "Choose a number from 1 to 10." in response.content.decode()
    assert not Answer.objects.filter(author=alice).exists()


@pytest.mark.parametrize("value", ["1", "10"])
def test_scale_ends_are_accepted(as_alice, alice, reflection, scale_prompt, value):
    as_alice.post(save_url(reflection), fields(scale_prompt, scale=value))

    assert Answer.objects.get(prompt=scale_prompt, author=alice).scale_value == int(value)


def test_choice_not_in_the_list_is_refused(as_alice, alice, reflection, choice_prompt):
    response = as_alice.post(save_url(reflection), fields(choice_prompt, text="Hot chocolate"))

    assert response.status_code == 400
    assert "Choose one of the listed options." in response.content.decode()
    assert not Answer.objects.filter(author=alice).exists()


@pytest.mark.parametrize("value", [0, 11])
def test_the_service_refuses_a_scale_outside_one_to_ten(alice, scale_prompt, value):
    """The last line: the database cannot check a value it stores encrypted."""
    with pytest.raises(DomainError, match="Choose a number from 1 to 10."):
        answer_save(prompt=scale_prompt, author=alice, scale_value=value)

    assert not Answer.objects.filter(author=alice).exists()


# Odd bytes


def test_nul_byte_in_text_is_dropped_not_a_server_error(as_alice, alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="before\x00after"))

    assert response.status_code == 302
    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "beforeafter"


def test_nul_byte_in_autosave_is_not_a_server_error(as_alice, alice, reflection, text_prompt):
    response = as_alice.post(save_url(reflection), fields(text_prompt, text="a\x00b"), headers=HTMX)

    assert response.status_code == 200
    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "ab"


def test_nul_byte_in_scale_is_refused_not_a_server_error(as_alice, alice, reflection, scale_prompt):
    response = as_alice.post(save_url(reflection), fields(scale_prompt, scale="5\x00"))

    assert 400 <= response.status_code < 500
    assert not Answer.objects.filter(author=alice).exists()


# Whose reflection


def test_someone_elses_reflection_is_not_found(client, carol, reflection, text_prompt):
    client.force_login(carol)

    response = client.post(save_url(reflection), fields(text_prompt, text="Carol was here"))

    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_someone_elses_reflection_is_not_found_in_autosave(client, carol, reflection, text_prompt):
    client.force_login(carol)

    response = client.post(save_url(reflection), fields(text_prompt, text="Carol was here"), headers=HTMX)

    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_unknown_reflection_is_not_found(as_alice, reflection, text_prompt):
    response = as_alice.post(
        reverse("reflections:answers_save", args=[reflection.pk + 1000]), fields(text_prompt, text="Hi")
    )

    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_getting_the_save_url_is_not_allowed(as_alice, reflection):
    response = as_alice.get(save_url(reflection))

    assert response.status_code == 405


@pytest.fixture
def other_reflection(make_user):
    dan, erin = make_user("Dan"), make_user("Erin")
    link(dan, erin)
    other = reflection_start(article=make_article(), by=dan)
    answer_save(prompt=other.prompts.get(kind="text"), author=dan, text="Dan private words")
    return other


def test_tampered_prompt_of_another_reflection_is_ignored(as_alice, alice, reflection, other_reflection):
    foreign = other_reflection.prompts.get(kind="text")

    response = as_alice.post(save_url(reflection), fields(foreign, text="Alice overwrites"))

    assert response.status_code < 500
    assert not Answer.objects.filter(author=alice).exists()
    assert [answer.text for answer in foreign.answers.all()] == ["Dan private words"]


def test_tampered_prompt_in_autosave_is_ignored(as_alice, alice, reflection, other_reflection):
    foreign = other_reflection.prompts.get(kind="text")

    response = as_alice.post(save_url(reflection), fields(foreign, text="Alice overwrites"), headers=HTMX)

    assert response.status_code < 500
    assert "Dan private words" not in response.content.decode()
    assert not Answer.objects.filter(author=alice).exists()


def test_posting_my_prompt_to_another_couples_reflection_is_not_found(
    as_alice, alice, reflection, text_prompt, other_reflection
):
    response = as_alice.post(save_url(other_reflection), fields(text_prompt, text="Wrong door"))

    assert response.status_code == 404
    assert not Answer.objects.filter(author=alice).exists()


# Saving after the answers locked: what was typed is shown, not lost


def test_a_save_after_saying_ready_shows_what_was_typed_beside_the_reason(
    as_alice, alice, bob, reflection, text_prompt
):
    answer_all(reflection, alice, text="My saved words")
    readiness_set(reflection=reflection, user=alice)

    response = as_alice.post(save_url(reflection), fields(text_prompt, text="Words typed in an old tab"))

    body = response.content.decode()
    assert response.status_code == 400
    assert "your answers are locked" in body
    assert f'id="unsaved-{text_prompt.pk}" readonly' in body
    assert ">Words typed in an old tab</textarea>" in body
    assert Answer.objects.get(prompt=text_prompt, author=alice).text == "My saved words"


def test_a_save_after_the_reveal_shows_what_was_typed_in_the_shared_view(as_alice, alice, bob, reflection, text_prompt):
    reveal(reflection, alice, bob)

    response = as_alice.post(save_url(reflection), fields(text_prompt, text="A late thought"))

    body = response.content.decode()
    assert response.status_code == 400
    assert "shared-list" in body
    assert ">A late thought</textarea>" in body
    assert body.count('class="unsaved"') == 1
