"""What next, once every question of a revealed reflection was talked
about: a related guide, and a follow-up reflection on the questions either
partner wanted to talk about in person — made once, answered alone and
revealed by consent like any other."""

import pytest
from django.urls import reverse

from accounts.services import couple_unlink
from conversation.models import Reaction
from conversation.services import FOLLOW_UP_PREFIX, follow_up_start, reaction_set, talked_toggle
from core.errors import DomainError
from library.models import Article, Theme
from notifications.models import Kind, Notification
from reflections.models import Reflection
from reflections.selectors import prompt_rows
from reflections.services import answer_save, readiness_set, reflection_start

from ..conftest import answer_all, make_article, reveal


@pytest.fixture
def prompts(revealed):
    return list(revealed.prompts.all())  # text, scale, choice


def talk_about(prompts, user, *, skip=()):
    for prompt in prompts:
        if prompt not in skip:
            talked_toggle(prompt=prompt, user=user)


@pytest.fixture
def ready_to_follow_up(revealed, prompts, alice, bob):
    """Every prompt talked about; Bob wants to talk about the scale in
    person, Alice about the choice; Alice was moved by the text answer."""
    talk_about(prompts, alice)
    text, scale, choice = prompts
    reaction_set(prompt=scale, user=bob, kind=Reaction.Kind.IN_PERSON)
    reaction_set(prompt=choice, user=alice, kind=Reaction.Kind.IN_PERSON)
    reaction_set(prompt=text, user=alice, kind=Reaction.Kind.MOVED)
    return revealed


def page(client, user, reflection):
    client.force_login(user)
    return client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()


def together_last(client, user, reflection):
    client.force_login(user)
    count = reflection.prompts.count()
    return client.get(reverse("conversation:together", args=[reflection.pk, count])).content.decode()


def start_url(reflection):
    return reverse("conversation:follow_up_start", args=[reflection.pk])


# What next appears only once every prompt is talked about


def test_what_next_waits_until_every_question_is_talked_about(client, alice, bob, revealed, prompts):
    reaction_set(prompt=prompts[1], user=bob, kind=Reaction.Kind.IN_PERSON)
    talk_about(prompts, alice, skip=[prompts[2]])

    assert "What next" not in page(client, alice, revealed)
    assert "What next" not in together_last(client, alice, revealed)


def test_what_next_offers_the_follow_up_once_every_question_is_talked_about(client, alice, ready_to_follow_up):
    for body in (page(client, alice, ready_to_follow_up), together_last(client, alice, ready_to_follow_up)):
        assert "What next" in body
        assert "Start a follow-up" in body
        assert f'action="{start_url(ready_to_follow_up)}"' in body
        assert "2 questions were marked" in body


def test_together_mode_offers_what_next_only_on_the_last_question(client, alice, ready_to_follow_up):
    client.force_login(alice)

    first = client.get(reverse("conversation:together", args=[ready_to_follow_up.pk, 1])).content.decode()

    assert "What next" not in first


def test_without_an_in_person_reaction_what_next_offers_no_follow_up(client, alice, bob, revealed, prompts):
    talk_about(prompts, bob)
    reaction_set(prompt=prompts[0], user=bob, kind=Reaction.Kind.ME_TOO)

    body = page(client, alice, revealed)

    assert "What next" in body and "Start a follow-up" not in body


def test_what_next_suggests_a_guide_of_the_same_theme_not_yet_reflected_on(client, alice, bob, revealed, prompts):
    money, other = Theme.objects.create(slug="money", name="Money"), Theme.objects.create(slug="x", name="X")
    Article.objects.filter(pk=revealed.article_id).update(theme=money)
    started = make_article(title="Already started", body="Ours.", theme=money)
    unrelated = make_article(title="Another theme", body="Ours.", theme=other)
    related = make_article(title="Same theme, new to us", body="Ours.", theme=money)
    for guide, theme in ((started, money), (unrelated, other), (related, money)):
        guide.themes.add(theme)
    reflection_start(article=started, by=alice)
    talk_about(prompts, alice)

    body = page(client, alice, revealed)

    assert "Something to read next" in body
    assert "Same theme, new to us" in body
    assert "Already started" not in body and "Another theme" not in body


# Starting a follow-up


def test_a_follow_up_copies_exactly_the_in_person_prompts(alice, ready_to_follow_up, prompts):
    follow_up, created = follow_up_start(reflection=ready_to_follow_up, user=alice)

    assert created
    copied = list(follow_up.prompts.all())
    _, scale, choice = prompts
    fields = ["order", "kind", "text", "scale_min_label", "scale_max_label", "choices"]
    assert [[getattr(p, f) for f in fields] for p in copied] == [
        [getattr(p, f) for f in fields] for p in (scale, choice)
    ]
    assert {p.pk for p in copied}.isdisjoint({p.pk for p in prompts})
    assert follow_up.title == f"Follow-up: {ready_to_follow_up.title}"
    assert follow_up.follow_up_of == ready_to_follow_up
    assert follow_up.article == ready_to_follow_up.article
    assert follow_up.couple == ready_to_follow_up.couple
    assert follow_up.revealed_at is None and follow_up.started_by == alice
    assert set(follow_up.participants.values_list("user", flat=True)) == set(
        ready_to_follow_up.participants.values_list("user", flat=True)
    )
    assert not follow_up.participants.filter(ready_at__isnull=False).exists()


def test_a_follow_up_of_a_follow_up_is_not_titled_twice(alice, bob, ready_to_follow_up):
    follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)
    reveal(follow_up, alice, bob)
    prompt = follow_up.prompts.first()
    talk_about(follow_up.prompts.all(), bob)
    reaction_set(prompt=prompt, user=bob, kind=Reaction.Kind.IN_PERSON)

    second, _ = follow_up_start(reflection=follow_up, user=bob)

    assert second.title == f"{FOLLOW_UP_PREFIX}{ready_to_follow_up.title}"
    assert second.follow_up_of == follow_up


def test_a_follow_up_is_made_once_and_asking_again_opens_it(alice, bob, ready_to_follow_up):
    first, created = follow_up_start(reflection=ready_to_follow_up, user=alice)
    again, created_again = follow_up_start(reflection=ready_to_follow_up, user=bob)

    assert created and not created_again
    assert again == first
    assert Reflection.objects.filter(follow_up_of=ready_to_follow_up).count() == 1


def test_starting_the_article_again_opens_the_first_reflection_not_its_follow_up(alice, ready_to_follow_up):
    follow_up_start(reflection=ready_to_follow_up, user=alice)

    assert reflection_start(article=ready_to_follow_up.article, by=alice) == ready_to_follow_up


def test_the_partner_hears_about_the_follow_up_without_any_answer(
    alice, bob, ready_to_follow_up, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)

    notice = Notification.objects.get(user=bob, reflection=follow_up)
    assert notice.kind == Kind.SUGGESTED and notice.actor == alice
    assert not Notification.objects.filter(user=alice, reflection=follow_up).exists()
    (email,) = [m for m in mailoutbox if bob.email in m.to and m.extra_headers["X-Twofold-Notification"] == "suggested"]
    assert email.subject == "Alice started a follow-up for you both"
    assert follow_up.title in email.body
    assert "Private words" not in email.body and "Private words" not in email.alternatives[0][0]


def test_the_partners_notice_says_a_follow_up_started(client, alice, bob, ready_to_follow_up):
    follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)
    client.force_login(bob)

    home = client.get(reverse("reflections:home")).content.decode()

    assert f"Alice started a follow-up for you both: “{follow_up.title}”" in home


@pytest.mark.parametrize(
    "setup, says",
    [
        ("one left", "Talk about every question first"),
        ("no in-person reaction", "neither of you marked one"),
    ],
)
def test_a_follow_up_is_refused_until_it_has_something_to_ask(alice, bob, revealed, prompts, setup, says):
    if setup == "one left":
        reaction_set(prompt=prompts[1], user=bob, kind=Reaction.Kind.IN_PERSON)
        talk_about(prompts, alice, skip=[prompts[0]])
    else:
        talk_about(prompts, alice)
        reaction_set(prompt=prompts[1], user=bob, kind=Reaction.Kind.ME_TOO)

    with pytest.raises(DomainError, match=says):
        follow_up_start(reflection=revealed, user=alice)
    assert not Reflection.objects.filter(follow_up_of=revealed).exists()


def test_a_stranger_cannot_start_a_follow_up(carol, ready_to_follow_up):
    with pytest.raises(DomainError, match="not part of this reflection"):
        follow_up_start(reflection=ready_to_follow_up, user=carol)


def test_no_follow_up_before_the_reveal(alice, reflection):
    with pytest.raises(DomainError, match="once you are both ready"):
        follow_up_start(reflection=reflection, user=alice)


def test_no_follow_up_once_the_couple_unlinked(alice, couple, ready_to_follow_up):
    couple_unlink(couple=couple, by=alice)

    with pytest.raises(DomainError, match="no longer linked"):
        follow_up_start(reflection=ready_to_follow_up, user=alice)


# The view


def test_the_button_starts_the_follow_up_and_opens_it(client, alice, ready_to_follow_up):
    client.force_login(alice)

    response = client.post(start_url(ready_to_follow_up))

    follow_up = Reflection.objects.get(follow_up_of=ready_to_follow_up)
    assert response.status_code == 302
    assert response.url == reverse("reflections:reflection", args=[follow_up.pk])
    body = client.get(response.url).content.decode()
    assert "Your follow-up has started" in body
    assert f'A follow-up of “<a href="{reverse("reflections:reflection", args=[ready_to_follow_up.pk])}">' in body


def test_once_started_the_shared_view_opens_the_follow_up_and_a_second_post_makes_no_other(
    client, alice, bob, ready_to_follow_up
):
    follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)
    follow_up_url = reverse("reflections:reflection", args=[follow_up.pk])

    body = page(client, bob, ready_to_follow_up)
    response = client.post(start_url(ready_to_follow_up))

    assert "Open the follow-up" in body and "Start a follow-up" not in body
    assert f'You followed this up: “<a href="{follow_up_url}">' in body
    assert response.status_code == 302 and response.url == follow_up_url
    assert Reflection.objects.filter(follow_up_of=ready_to_follow_up).count() == 1


def test_a_refused_follow_up_goes_back_to_the_shared_view_saying_why(client, alice, revealed, prompts):
    client.force_login(alice)

    response = client.post(start_url(revealed), follow=True)

    assert response.redirect_chain == [(reverse("reflections:reflection", args=[revealed.pk]), 302)]
    assert "Talk about every question first" in response.content.decode()


def test_the_follow_up_url_is_404_to_anyone_outside_the_shared_view(client, carol, alice, couple, ready_to_follow_up):
    client.force_login(carol)
    assert client.post(start_url(ready_to_follow_up)).status_code == 404
    couple_unlink(couple=couple, by=alice)
    client.force_login(alice)
    assert client.post(start_url(ready_to_follow_up)).status_code == 404
    assert not Reflection.objects.filter(follow_up_of=ready_to_follow_up).exists()


def test_the_follow_up_url_takes_only_a_post(client, alice, ready_to_follow_up):
    client.force_login(alice)

    assert client.get(start_url(ready_to_follow_up)).status_code == 405


# Answered alone, revealed by consent


def test_the_follow_up_is_answered_alone_and_revealed_only_when_both_are_ready(client, alice, bob, ready_to_follow_up):
    follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)
    scale, choice = follow_up.prompts.all()
    answer_save(prompt=scale, author=bob, scale_value=8)
    answer_save(prompt=choice, author=bob, text="Coffee")
    readiness_set(reflection=follow_up, user=bob)

    rows = prompt_rows(follow_up, alice)
    body = page(client, alice, follow_up)

    assert all(row.partners is None for row in rows), "the gate hides Bob's answers from Alice"
    assert "Bob has answered 2 of 2 and is ready to reveal" in body
    answer_all(follow_up, alice)
    readiness_set(reflection=follow_up, user=alice)
    follow_up.refresh_from_db()
    assert follow_up.is_revealed
    assert [row.partners.content.scale_value for row in prompt_rows(follow_up, alice)][:1] == [8]


def test_a_follow_ups_prompt_total_is_the_prompts_it_asks_again(alice, ready_to_follow_up):
    follow_up, _ = follow_up_start(reflection=ready_to_follow_up, user=alice)

    assert follow_up.prompt_total == follow_up.prompts.count() < ready_to_follow_up.prompt_total
