"""The check-in as its people see it: home's line, the check-in page, the
trend (P4–P6: what it may show of whom), a coach's view of it (P5), the
shared view's starter for a round, and the exports."""

import json

import pytest
from django.urls import reverse

from checkins.models import CheckIn, Round
from checkins.services import checkin_share, checkin_unshare, round_open
from conversation.selectors import far_apart
from reflections.selectors import prompt_rows
from reflections.services import answer_save, readiness_set
from tests.conftest import coach_link

from .conftest import SUNDAY

pytestmark = pytest.mark.django_db


def answer_round(reflection, person, numbers, words="Our words"):
    """Answer a round: `numbers` for its scales in order, `words` for its open question."""
    values = iter(numbers)
    for prompt in reflection.prompts.all():
        if prompt.is_scale:
            answer_save(prompt=prompt, author=person, scale_value=next(values))
        else:
            answer_save(prompt=prompt, author=person, text=words)


def next_round(checkin):
    checkin.refresh_from_db()
    return round_open(checkin.pk, today=checkin.next_round_on).reflection


def revealed_round(checkin, alice, bob, *, alices, bobs):
    reflection = next_round(checkin)
    answer_round(reflection, alice, alices, words="Alice's own words")
    answer_round(reflection, bob, bobs, words="Bob's own words")
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    reflection.refresh_from_db()
    return reflection


def table_of(body):
    """The trend's first table: its rows as lists of cell texts."""
    import re

    table = body[body.index("<table") : body.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_home_says_the_next_day_and_who_answered_the_open_round(client, running, alice, bob):
    reflection = next_round(running)
    answer_save(prompt=reflection.prompts.first(), author=bob, scale_value=4)
    client.force_login(alice)
    body = " ".join(client.get(reverse("reflections:home")).content.decode().split())
    assert "The next round opens on Sunday 8 November" in body
    assert "You have not started; Bob has answered 1 of 5." in body
    assert ">4<" not in body.split("checkin-home-heading")[1].split("</section>")[0]


def test_the_trend_shows_both_numbers_of_revealed_rounds_only(client, running, alice, bob):
    revealed_round(running, alice, bob, alices=[7, 6, 5, 4], bobs=[3, 6, 5, 9])
    waiting = next_round(running)
    answer_round(waiting, bob, [10, 10, 10, 10])  # not revealed: nothing of it shows (P6)
    client.force_login(alice)
    body = client.get(reverse("checkins:checkin_trend", args=[running.pk])).content.decode()
    assert body.count('class="trend"') == 4
    assert table_of(body) == [["Round", "Alice", "Bob"], ["1 Nov", "7", "3"]]
    assert "10" not in "".join(cell for row in table_of(body) for cell in row)
    assert reverse("reflections:reflection", args=[waiting.pk]) not in body


def test_after_an_unlink_the_trend_shows_my_own_line_alone(client, running, alice, bob):
    from accounts.services import couple_unlink

    revealed_round(running, alice, bob, alices=[7, 6, 5, 4], bobs=[3, 6, 5, 9])
    couple_unlink(couple=running.couple, by=bob)
    client.force_login(alice)
    body = client.get(reverse("checkins:checkin_trend", args=[running.pk])).content.decode()
    assert table_of(body) == [["Round", "Alice"], ["1 Nov", "7"]]
    assert "Bob" not in body


def test_a_round_passed_or_left_shows_no_number(client, running, alice, bob):
    revealed_round(running, alice, bob, alices=[7, 6, 5, 4], bobs=[3, 6, 5, 9])
    second = next_round(running)
    answer_round(second, alice, [8, 8, 8, 8])
    first_bob = second.prompts.first()
    answer_save(prompt=first_bob, author=bob, passed=True)
    for prompt in list(second.prompts.all())[1:]:
        answer_save(prompt=prompt, author=bob, scale_value=5) if prompt.is_scale else answer_save(
            prompt=prompt, author=bob, text="x"
        )
    for person in (alice, bob):
        readiness_set(reflection=second, user=person)
    client.force_login(bob)
    body = client.get(reverse("checkins:checkin_trend", args=[running.pk])).content.decode()
    assert table_of(body) == [["Round", "Alice", "Bob"], ["1 Nov", "7", "3"], ["8 Nov", "8", "—"]]


def test_strangers_get_404(client, running, carol):
    client.force_login(carol)
    for name in ("checkins:checkin_trend", "checkins:checkin_change", "checkins:checkin_stop"):
        assert client.get(reverse(name, args=[running.pk])).status_code == 404


def test_a_coach_sees_the_trend_only_while_both_partners_share_it(client, running, alice, bob, coach):
    revealed_round(running, alice, bob, alices=[7, 6, 5, 4], bobs=[3, 6, 5, 9])
    coach_link(coach, alice, bob)
    url = reverse("coach:checkin_trend", args=[running.pk])
    client.force_login(coach)
    assert client.get(url).status_code == 404
    checkin_share(checkin=running, by=alice, coach=coach)
    assert client.get(url).status_code == 404, "one partner's share opens nothing"
    checkin_share(checkin=running, by=bob, coach=coach)
    body = client.get(url).content.decode()
    assert table_of(body) == [["Round", "Alice", "Bob"], ["1 Nov", "7", "3"]]
    round_url = reverse("coach:shared_reflection", args=[Round.objects.get(number=1).reflection_id])
    assert round_url in body and client.get(round_url).status_code == 200
    checkin_unshare(checkin=running, by=bob, coach=coach)
    assert client.get(url).status_code == 404
    assert client.get(round_url).status_code == 404, "taking the share back takes back the round too"


def test_a_round_revealed_after_both_share_reaches_the_coach(client, running, alice, bob, coach, run_on_commit):
    coach_link(coach, alice, bob)
    for person in (alice, bob):
        checkin_share(checkin=running, by=person, coach=coach)
    reflection = run_on_commit(revealed_round, running, alice, bob, alices=[5, 5, 5, 5], bobs=[6, 6, 6, 6])
    client.force_login(coach)
    assert client.get(reverse("coach:shared_reflection", args=[reflection.pk])).status_code == 200


def test_the_coach_dashboard_shows_progress_never_numbers(client, couple, alice, bob, coach, on_day):
    from checkins.services import checkin_accept, checkin_propose_as_coach

    from .conftest import set_prompts

    on_day(SUNDAY)
    link = coach_link(coach, alice, bob)
    checkin = checkin_propose_as_coach(
        coach=coach, link=link, title="Stress and support", cadence=7, weekday=6, prompts=set_prompts()
    )
    checkin_accept(checkin=checkin, by=alice)
    reflection = next_round(checkin)
    answer_round(reflection, alice, [9, 9, 9, 9], words="Alice's private words")
    client.force_login(coach)
    body = client.get(reverse("coach:dashboard")).content.decode()
    assert "Check-in “Stress and support”: every week on Sunday, running; next round 8 Nov." in body
    assert "Alice: 5 of 5" in body and "Bob: 0 of 5" in body
    assert "private words" not in body and ">9<" not in body


def test_the_shared_view_offers_the_checkins_own_starter_where_numbers_are_far_apart(running, alice, bob):
    reflection = revealed_round(running, alice, bob, alices=[9, 6, 5, 4], bobs=[2, 6, 5, 4])
    from checkins.selectors import round_of

    differences = far_apart(prompt_rows(reflection, alice), own_starters=round_of(reflection).starters)
    (difference,) = differences
    own = running.prompts.get(text=difference.prompt.text).starter
    assert difference.starter == own and own


def test_the_shared_view_of_a_round_links_to_the_trend_and_says_the_starter(client, running, alice, bob):
    reflection = revealed_round(running, alice, bob, alices=[9, 6, 5, 4], bobs=[2, 6, 5, 4])
    client.force_login(bob)
    body = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()
    assert reverse("checkins:checkin_trend", args=[running.pk]) in body
    assert running.prompts.first().starter.replace("’", "&#x27;")[:30] in body.replace("’", "&#x27;")


def test_the_exports_hold_the_rounds(client, running, alice, bob):
    reflection = revealed_round(running, alice, bob, alices=[7, 6, 5, 4], bobs=[3, 6, 5, 9])
    client.force_login(alice)
    data = json.loads(client.get(reverse("conversation:answers_export_json")).content)
    (exported,) = data["reflections"]
    assert exported["title"] == reflection.title
    assert exported["check_in"] == {"title": running.title, "round": 1, "opened_on": "2026-11-01"}
    assert [a["scale_value"] for a in exported["answers"][:4]] == [7, 6, 5, 4]
    assert "Bob's own words" not in json.dumps(data)
    markdown = client.get(reverse("conversation:answers_export_markdown")).content.decode()
    assert f"Round 1 of the check-in “{running.title}”" in markdown and "Alice's own words" in markdown


def test_proposing_through_the_page(client, couple, alice, bob):
    client.force_login(alice)
    form = {"source": "load-at-home", "cadence": "14", "weekday": "3"}
    response = client.post(reverse("checkins:checkin_propose"), form)
    assert response.status_code == 302
    client.force_login(bob)
    body = client.get(reverse("checkins:checkin")).content.decode()
    assert "The load at home" in body and "Every two weeks on Thursday" in body and "Yes, let’s start" in body


def test_the_page_follows_itself_and_a_live_fetch_leaves_the_confirmation_to_the_page(client, couple, alice, bob):
    """Accepting tells both partners' open pages, the accepting one's too:
    its fetch must not take the "started" its next page shows."""
    client.force_login(alice)
    client.post(reverse("checkins:checkin_propose"), {"source": "load-at-home", "cadence": "7", "weekday": "3"})
    client.force_login(bob)
    page = client.get(reverse("checkins:checkin")).content.decode()
    assert f'sse-connect="{reverse("reflections:home_events")}"' in page and 'hx-select="#checkin-live"' in page

    accepted = client.post(reverse("checkins:checkin_accept", args=[CheckIn.objects.get().pk]))
    live_fetch = client.get(reverse("checkins:checkin"), headers={"HX-Request": "true"}).content.decode()
    shown = client.get(accepted.url).content.decode()

    assert "Running" in live_fetch and "Your check-in has started." not in live_fetch
    assert "Your check-in has started." in shown


def test_building_our_own_from_the_bank(client, couple, alice, library):
    from library.models import BankQuestion

    questions = list(BankQuestion.objects.filter(kind="scale")[:2]) + list(BankQuestion.objects.filter(kind="text")[:1])
    client.force_login(alice)
    form = {"source": "own", "title": "Ours", "questions": [q.pk for q in questions], "cadence": "7", "weekday": "0"}
    assert client.post(reverse("checkins:checkin_propose"), form).status_code == 302
    body = client.get(reverse("checkins:checkin")).content.decode()
    assert body.index(questions[0].text[:40]) < body.index(questions[2].text[:40]), "the open question comes last"


def test_a_check_in_of_our_own_needs_enough_questions(client, couple, alice, library):
    from library.models import BankQuestion

    client.force_login(alice)
    text_only = list(BankQuestion.objects.filter(kind="text").values_list("pk", flat=True)[:3])
    form = {"source": "own", "title": "Words I typed", "questions": text_only, "cadence": "7", "weekday": "0"}
    response = client.post(reverse("checkins:checkin_propose"), form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "at least one 1–10 question" in body and 'value="Words I typed"' in body
