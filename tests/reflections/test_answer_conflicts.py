"""Two tabs editing the same answer never lose text silently: the later save
is told there is a newer version and shown both."""

import re

import pytest
from django.urls import reverse

from reflections.models import Answer
from reflections.services import AnswerConflict, answer_save

HTMX = {"HX-Request": "true"}


@pytest.fixture
def prompt(reflection):
    return reflection.prompts.get(kind="text")


def post(client, reflection, prompt, text, version, **headers):
    return client.post(
        reverse("reflections:answers_save", args=[reflection.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": text, f"p{prompt.pk}-version": str(version)},
        headers=headers,
    )


def test_a_save_from_a_stale_version_is_refused_by_the_service(alice, prompt):
    answer_save(prompt=prompt, author=alice, text="first tab", base_version=0)

    with pytest.raises(AnswerConflict) as conflict:
        answer_save(prompt=prompt, author=alice, text="second tab", base_version=0)

    assert conflict.value.version == 1
    assert Answer.objects.get().text == "first tab"


def test_each_save_moves_the_version_on(alice, prompt):
    first = answer_save(prompt=prompt, author=alice, text="one", base_version=0)
    second = answer_save(prompt=prompt, author=alice, text="two", base_version=first.version)

    assert second.version == first.version + 1


def test_the_stale_tab_is_shown_both_texts_by_htmx(client, alice, reflection, prompt):
    answer_save(prompt=prompt, author=alice, text="Written in tab one", base_version=0)
    client.force_login(alice)

    response = post(client, reflection, prompt, "Written in tab two", 0, **HTMX)

    html = response.content.decode()
    assert response.status_code == 409
    assert "another tab or window" in html
    assert "Written in tab one" in html
    assert Answer.objects.get().text == "Written in tab one"


def test_after_a_conflict_saving_again_keeps_the_new_text(client, alice, reflection, prompt):
    answer_save(prompt=prompt, author=alice, text="Written in tab one", base_version=0)
    client.force_login(alice)
    html = post(client, reflection, prompt, "Written in tab two", 0, **HTMX).content.decode()
    version = re.search(rf'name="p{prompt.pk}-version" value="(\d+)" hx-swap-oob', html).group(1)

    response = post(client, reflection, prompt, "Written in tab two", version, **HTMX)

    assert response.status_code == 200
    assert Answer.objects.get().text == "Written in tab two"


def test_the_plain_form_shows_both_and_keeps_what_was_typed(client, alice, reflection, prompt):
    answer_save(prompt=prompt, author=alice, text="Written in tab one", base_version=0)
    client.force_login(alice)

    response = post(client, reflection, prompt, "Written in tab two", 0)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Written in tab one" in html and "Written in tab two" in html


def test_autosave_hands_the_page_the_new_version(client, alice, reflection, prompt):
    client.force_login(alice)

    first = post(client, reflection, prompt, "one", 0, **HTMX).content.decode()
    version = re.search(rf'name="p{prompt.pk}-version" value="(\d+)" hx-swap-oob', first).group(1)

    assert post(client, reflection, prompt, "two", version, **HTMX).status_code == 200
    assert Answer.objects.get().text == "two"


@pytest.mark.parametrize("version", ["100000000000000000000", "1.0", "one", " 1", "²"])
def test_a_version_that_is_no_number_is_a_conflict_never_an_overwrite(client, alice, reflection, prompt, version):
    """A tampered or mangled form cannot show it edits the latest answer: the
    save is refused as a conflict, with what was typed kept on the page."""
    answer_save(prompt=prompt, author=alice, text="Written in tab one", base_version=0)
    client.force_login(alice)

    response = post(client, reflection, prompt, "Written in tab two", version)

    assert response.status_code == 409
    assert "Written in tab two" in response.content.decode()
    assert Answer.objects.get().text == "Written in tab one"


def test_a_form_that_sends_no_version_still_saves(client, alice, reflection, prompt):
    answer_save(prompt=prompt, author=alice, text="Written in tab one", base_version=0)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[reflection.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "Written again"},
    )

    assert response.status_code in (200, 302)
    assert Answer.objects.get().text == "Written again"
