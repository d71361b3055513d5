"""Ready, withdraw and the reveal (P2, P3, P6)."""

import re

import pytest
from django.urls import reverse

from core.errors import DomainError
from reflections.models import Answer
from reflections.services import answer_save, readiness_set, readiness_withdraw

from ..conftest import answer_all

ALICE_SECRET = "Alice keeps this to herself for now"
BOB_SECRET = "Bob keeps this to himself for now"
HTMX = {"HX-Request": "true"}


def page(client, user, reflection):
    client.force_login(user)
    return client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()


def text_prompt(reflection):
    return reflection.prompts.get(kind="text")


def scale_prompt(reflection):
    return reflection.prompts.get(kind="scale")


@pytest.fixture
def alice_ready(reflection, alice):
    answer_all(reflection, alice, text=ALICE_SECRET)
    readiness_set(reflection=reflection, user=alice)
    return reflection


@pytest.fixture
def revealed(alice_ready, bob):
    answer_all(alice_ready, bob, text=BOB_SECRET)
    reflection = readiness_set(reflection=alice_ready, user=bob)
    assert reflection.is_revealed
    return reflection


# Getting ready


def test_ready_requires_every_prompt_answered(reflection, alice):
    answer_save(prompt=text_prompt(reflection), author=alice, text="Only one")

    with pytest.raises(DomainError, match=r"2 still open"):
        readiness_set(reflection=reflection, user=alice)

    assert reflection.participants.get(user=alice).ready_at is None


def test_ready_button_with_open_prompts_says_how_many_are_open(client, reflection, alice):
    client.force_login(alice)

    response = client.post(reverse("reflections:readiness_set", args=[reflection.pk]), follow=True)

    assert "Answer every prompt first (3 still open)" in response.content.decode()
    assert reflection.participants.get(user=alice).ready_at is None


def test_passes_count_towards_being_ready(reflection, alice):
    for prompt in reflection.prompts.all():
        answer_save(prompt=prompt, author=alice, passed=True)

    readiness_set(reflection=reflection, user=alice)

    assert reflection.participants.get(user=alice).is_ready


def test_ready_button_marks_me_ready(client, reflection, alice):
    answer_all(reflection, alice)
    client.force_login(alice)

    response = client.post(reverse("reflections:readiness_set", args=[reflection.pk]), follow=True)

    assert reflection.participants.get(user=alice).is_ready
    assert "Your answers are locked until your partner is ready too" in response.content.decode()


def test_one_partner_ready_reveals_nothing(alice_ready):
    alice_ready.refresh_from_db()

    assert alice_ready.revealed_at is None


# P3: ready locks


def test_being_ready_locks_my_answers(alice_ready, alice):
    prompt = text_prompt(alice_ready)

    with pytest.raises(DomainError, match="answers are locked"):
        answer_save(prompt=prompt, author=alice, text="A late change")

    assert Answer.objects.get(prompt=prompt, author=alice).text == ALICE_SECRET


def test_posting_answers_while_ready_shows_the_lock_message(client, alice_ready, alice):
    prompt = text_prompt(alice_ready)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[alice_ready.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "A late change"},
    )

    assert response.status_code == 400
    assert "answers are locked" in response.content.decode()
    assert Answer.objects.get(prompt=prompt, author=alice).text == ALICE_SECRET


def test_posting_answers_while_ready_keeps_the_typed_text_on_the_page(client, alice_ready, alice):
    prompt = text_prompt(alice_ready)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[alice_ready.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "A late change I do not want to lose"},
    )

    assert "A late change I do not want to lose" in response.content.decode()


def test_autosave_while_ready_shows_the_lock_message(client, alice_ready, alice):
    prompt = text_prompt(alice_ready)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[alice_ready.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "A late change"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "answers are locked" in response.content.decode()
    assert Answer.objects.get(prompt=prompt, author=alice).text == ALICE_SECRET


def test_ready_page_shows_my_answers_without_a_form(client, alice_ready, alice):
    body = page(client, alice, alice_ready)

    assert ALICE_SECRET in body
    assert "<textarea" not in body
    assert "Withdraw and edit again" in body


# P6: the partner sees that, never what


def test_partner_sees_that_i_am_ready_and_how_many_i_answered(client, alice_ready, bob):
    body = page(client, bob, alice_ready)

    assert "Alice has answered 3 of 3 and is ready to reveal" in body


def test_partner_never_sees_my_text_before_the_reveal(client, alice_ready, bob):
    body = page(client, bob, alice_ready)

    assert ALICE_SECRET not in body


def test_partner_sees_my_progress_before_i_am_ready(client, reflection, alice, bob):
    answer_save(prompt=text_prompt(reflection), author=alice, text=ALICE_SECRET)

    body = page(client, bob, reflection)

    assert "Alice has answered 1 of 3 and is not ready yet" in body
    assert ALICE_SECRET not in body


def test_partners_home_shows_my_readiness_but_not_my_text(client, alice_ready, bob):
    client.force_login(bob)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "Alice: 3 of 3 answered, ready." in body
    assert ALICE_SECRET not in body


def test_partners_autosave_reply_never_carries_my_text(client, alice_ready, bob):
    prompt = text_prompt(alice_ready)
    client.force_login(bob)

    response = client.post(
        reverse("reflections:answers_save", args=[alice_ready.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "Bob types"},
        headers=HTMX,
    )

    assert ALICE_SECRET not in response.content.decode()


# Withdrawing


def test_withdrawing_unlocks_my_answers(alice_ready, alice):
    readiness_withdraw(reflection=alice_ready, user=alice)

    answer_save(prompt=text_prompt(alice_ready), author=alice, text="Second thoughts")

    assert Answer.objects.get(prompt=text_prompt(alice_ready), author=alice).text == "Second thoughts"


def test_withdraw_button_makes_me_not_ready(client, alice_ready, alice):
    client.force_login(alice)

    response = client.post(reverse("reflections:readiness_withdraw", args=[alice_ready.pk]), follow=True)

    assert alice_ready.participants.get(user=alice).ready_at is None
    assert "You can edit your answers again" in response.content.decode()
    assert f">{ALICE_SECRET}</textarea>" in response.content.decode()


def test_partner_sees_that_i_withdrew(client, alice_ready, alice, bob):
    readiness_withdraw(reflection=alice_ready, user=alice)

    body = page(client, bob, alice_ready)

    assert "Alice has answered 3 of 3 and is not ready yet" in body


# P2: the reveal


def test_both_ready_reveals_the_reflection(revealed):
    revealed.refresh_from_db()

    assert revealed.revealed_at is not None


def test_reveal_happens_once(revealed, alice, bob):
    first = revealed.revealed_at

    readiness_set(reflection=revealed, user=alice)
    readiness_set(reflection=revealed, user=bob)

    revealed.refresh_from_db()
    assert revealed.revealed_at == first


def test_ready_button_after_the_reveal_keeps_the_reveal_time(client, revealed, bob):
    first = revealed.revealed_at
    client.force_login(bob)

    response = client.post(reverse("reflections:readiness_set", args=[revealed.pk]))

    revealed.refresh_from_db()
    assert response.status_code == 302
    assert revealed.revealed_at == first


def test_second_partner_getting_ready_is_told_about_the_reveal(client, alice_ready, bob):
    answer_all(alice_ready, bob)
    client.force_login(bob)

    response = client.post(reverse("reflections:readiness_set", args=[alice_ready.pk]), follow=True)

    assert "You are both ready" in response.content.decode()


# P3: after the reveal nothing changes


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_nobody_can_withdraw_after_the_reveal(request, revealed, who):
    user = request.getfixturevalue(who)

    with pytest.raises(DomainError, match="revealed"):
        readiness_withdraw(reflection=revealed, user=user)

    assert revealed.participants.get(user=user).is_ready


@pytest.mark.parametrize("who, text", [("alice", ALICE_SECRET), ("bob", BOB_SECRET)])
def test_nobody_can_edit_after_the_reveal(request, revealed, who, text):
    user = request.getfixturevalue(who)
    prompt = text_prompt(revealed)

    with pytest.raises(DomainError, match="revealed"):
        answer_save(prompt=prompt, author=user, text="Rewriting history")

    assert Answer.objects.get(prompt=prompt, author=user).text == text


def test_withdraw_button_after_the_reveal_changes_nothing(client, revealed, alice):
    client.force_login(alice)

    client.post(reverse("reflections:readiness_withdraw", args=[revealed.pk]))

    revealed.refresh_from_db()
    assert revealed.is_revealed
    assert revealed.participants.get(user=alice).is_ready


def test_posting_answers_after_the_reveal_changes_nothing(client, revealed, alice):
    prompt = text_prompt(revealed)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[revealed.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "Rewriting history"},
    )

    assert 400 <= response.status_code < 500
    assert Answer.objects.get(prompt=prompt, author=alice).text == ALICE_SECRET


def test_posting_answers_after_the_reveal_says_why_nothing_changed(client, revealed, alice):
    prompt = text_prompt(revealed)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:answers_save", args=[revealed.pk]),
        {f"p{prompt.pk}-shown": "1", f"p{prompt.pk}-text": "Rewriting history"},
    )

    assert "This reflection has been revealed; answers no longer change." in response.content.decode()


# The shared view


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_shared_view_shows_both_answers(client, request, revealed, who):
    body = page(client, request.getfixturevalue(who), revealed)

    assert ALICE_SECRET in body
    assert BOB_SECRET in body


def test_shared_view_puts_the_answers_side_by_side(client, revealed, alice):
    body = page(client, alice, revealed)

    mine = body.index('class="answer-col mine"')
    partners = body.index('class="answer-col partners"')
    assert mine < body.index(ALICE_SECRET) < partners < body.index(BOB_SECRET)


def scale_cell_classes(body, n):
    """Which markers the shared view's scale drawing puts on number `n`."""
    marks = re.findall(r'<g class="marker marker-(mine|partner)" data-value="(\d+)">', body)
    assert marks, "no markers drawn on the scale"
    return {"is-mine" if who == "mine" else "is-partners" for who, value in marks if int(value) == n}


def test_shared_view_marks_both_positions_on_the_scale(client, reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    answer_save(prompt=scale_prompt(reflection), author=alice, scale_value=3)
    answer_save(prompt=scale_prompt(reflection), author=bob, scale_value=8)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)

    body = page(client, alice, reflection)

    assert scale_cell_classes(body, 3) == {"is-mine"}
    assert scale_cell_classes(body, 8) == {"is-partners"}
    assert all(scale_cell_classes(body, n) == set() for n in (1, 2, 4, 5, 6, 7, 9, 10))


def test_shared_view_marks_the_scale_from_each_viewers_side(client, reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    answer_save(prompt=scale_prompt(reflection), author=alice, scale_value=3)
    answer_save(prompt=scale_prompt(reflection), author=bob, scale_value=8)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)

    body = page(client, bob, reflection)

    assert scale_cell_classes(body, 8) == {"is-mine"}
    assert scale_cell_classes(body, 3) == {"is-partners"}


def test_shared_view_marks_one_cell_twice_when_we_agree(client, revealed, alice):
    # answer_all gives both partners a 5.
    body = page(client, alice, revealed)

    assert scale_cell_classes(body, 5) == {"is-mine", "is-partners"}
