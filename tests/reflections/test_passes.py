"""Passes are counted apart from answers on my own progress lines; my
partner's passes count as answers until the reveal (P6: a pass is an
answer, and they may see that I answered, never what)."""

import pytest
from django.urls import reverse

from accounts.services import couple_unlink
from reflections.services import answer_save, readiness_set


def answer_with_one_pass(reflection, user):
    """The text prompt passed, the scale and the choice answered."""
    for prompt in reflection.prompts.all():
        if prompt.is_scale:
            answer_save(prompt=prompt, author=user, scale_value=4)
        elif prompt.is_choice:
            answer_save(prompt=prompt, author=user, text=prompt.choices[0])
        else:
            answer_save(prompt=prompt, author=user, passed=True)


def status_line(client, user):
    client.force_login(user)
    html = client.get(reverse("reflections:home")).content.decode()
    start = html.index('<p class="status-line">')
    return " ".join(html[start : html.index("</p>", start)].split())


@pytest.fixture
def passing(reflection, alice, bob):
    """Alice passed one question of three and answered one; Bob passed one
    and answered the other two."""
    answer_save(prompt=reflection.prompts.get(kind="text"), author=alice, passed=True)
    answer_save(prompt=reflection.prompts.get(kind="scale"), author=alice, scale_value=6)
    answer_with_one_pass(reflection, bob)
    return reflection


def reveal(reflection, alice, bob):
    answer_save(prompt=reflection.prompts.get(kind="choice"), author=alice, text="Tea")
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)


def test_my_status_line_counts_my_passes_apart(client, alice, passing):
    assert "You: 1 answered, 1 passed of 3." in status_line(client, alice)


def test_my_partners_pass_counts_as_an_answer_before_the_reveal(client, alice, passing):
    line = status_line(client, alice)

    assert "Bob: 3 of 3 answered." in line
    assert line.count("passed") == 1  # mine alone


def test_my_reflection_page_counts_my_passes_apart_and_never_my_partners(client, alice, passing):
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[passing.pk])).content.decode()

    assert "<strong>1 answered, 1 passed of 3</strong>" in html
    assert '<progress max="3" value="2" aria-label="Your progress: 1 answered, 1 passed of 3">' in html
    live = html[html.index('id="live-status"') : html.index("</p>", html.index('id="live-status"'))]
    assert "Bob has answered 3 of 3" in live and "pass" not in live


def test_the_partner_polling_my_status_never_learns_of_my_pass(client, bob, passing):
    client.force_login(bob)

    html = client.get(reverse("reflections:live_status", args=[passing.pk]), headers={"HX-Request": "true"})

    assert "Alice has answered 2 of 3" in html.content.decode()
    assert "pass" not in html.content.decode().lower()


def test_after_the_reveal_both_sides_show_their_passes_apart(client, alice, bob, passing):
    reveal(passing, alice, bob)

    line = status_line(client, alice)

    assert "You: 2 answered, 1 passed of 3, ready." in line
    assert "Bob: 2 answered, 1 passed of 3, ready." in line


def test_once_unlinked_my_former_partners_passes_are_theirs_again(client, alice, bob, couple, passing):
    reveal(passing, alice, bob)
    couple_unlink(couple=couple, by=bob)

    line = status_line(client, alice)

    assert "You: 2 answered, 1 passed of 3" in line
    assert "Bob: 3 of 3 answered" in line


def test_without_a_pass_the_line_reads_as_before(client, alice, reflection):
    answer_save(prompt=reflection.prompts.get(kind="scale"), author=alice, scale_value=6)

    assert "You: 1 of 3 answered." in status_line(client, alice)


def test_a_revealed_pass_reads_as_passed(client, alice, bob, passing):
    reveal(passing, alice, bob)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[passing.pk])).content.decode()

    assert html.count("Passed on this one.") == 2  # mine and Bob's, on the text question
