"""Conversation starters: the shipped file is complete and well-formed, bad
files are refused, a prompt is far apart from a scale gap of 4 or two
different choices, and the shared view offers that prompt's starter, the
same one on every load, in Twofold's words only."""

import html
import re

import pytest
from django.urls import reverse

from conversation.selectors import far_apart
from conversation.starters import FAR_APART, STARTER_MAX_LENGTH, read_starters, starter_for, starters
from library.content import ContentError
from library.models import PromptKind
from reflections.encryption import AnswerContent
from reflections.models import Answer, ReflectionPrompt
from reflections.selectors import PromptRow
from reflections.services import answer_save, readiness_set

from ..conftest import answer_all

SHIPPED = read_starters()
ASSUMING = re.compile(r"\b(he|she|him|her|his|hers|husband|wife|boyfriend|girlfriend)\b", re.IGNORECASE)
STARTER_HTML = re.compile(r'<p class="starter">(?:<strong>To start talking:</strong> )?(.*?)</p>')


def every_starter():
    return {text for bands in SHIPPED.values() for band in bands for text in band.starters}


# The shipped file


def test_the_shipped_starters_cover_every_gap_that_counts_as_far_apart():
    for kind, gaps in FAR_APART.items():
        covered = [gap for band in SHIPPED[kind] for gap in band.gaps]
        assert covered == list(gaps), kind


def test_every_gap_band_offers_several_starters():
    for kind, bands in SHIPPED.items():
        for band in bands:
            assert len(band.starters) >= 3, (kind, band.gaps)


def test_every_shipped_starter_is_short_our_own_and_assumes_no_gender():
    texts = every_starter()
    assert texts
    for text in texts:
        assert text.strip() and len(text) <= STARTER_MAX_LENGTH
        assert not re.search(r"[{}<>$%]", text), "no placeholder for anyone's answer"
        assert not ASSUMING.findall(text)


def test_the_shipped_starters_are_read_once_per_process():
    assert starters() is starters()


# Bad files are refused


GOOD_CHOICE = '[[choice]]\nstarters = ["What made the other option feel wrong to you?"]\n'


def scale(*bands):
    return "".join(f'[[scale]]\ngaps = [{a}, {b}]\nstarters = ["Say what moved your number."]\n' for a, b in bands)


@pytest.mark.parametrize(
    "content, says",
    [
        (scale((4, 9)) + GOOD_CHOICE + '[[text]]\nstarters = ["x"]\n', "only scale and choice"),
        (scale((4, 6), (6, 9)) + GOOD_CHOICE, "overlap at a gap of 6"),
        (scale((4, 5), (7, 9)) + GOOD_CHOICE, "no scale band for a gap of 6"),
        (scale((5, 9)) + GOOD_CHOICE, "no scale band for a gap of 4"),
        (scale((4, 8)) + GOOD_CHOICE, "must end at a gap of 9"),
        (scale((4, 10)) + GOOD_CHOICE, "must end at a gap of 9"),
        (scale((6, 4)) + GOOD_CHOICE, "gaps must be [from, to]"),
        (GOOD_CHOICE, "no starters for scale"),
        (scale((4, 9)), "no starters for choice"),
        (scale((4, 9)) + "[[choice]]\nstarters = []\n", "at least one starter"),
        (scale((4, 9)) + '[[choice]]\nstarters = ["  "]\n', "empty"),
        (scale((4, 9)) + f'[[choice]]\nstarters = ["{"x" * (STARTER_MAX_LENGTH + 1)}"]\n', "at most"),
        (scale((4, 9)) + '[[choice]]\nstarters = ["You said {answer}: why?"]\n', "no placeholders"),
        (scale((4, 9)) + '[[choice]]\nstarters = ["Why {{ theirs }}?"]\n', "no placeholders"),
        (scale((4, 9)) + '[[choice]]\nstarters = ["Why %(theirs)s?"]\n', "no placeholders"),
        (scale((4, 9)) + '[[choice]]\nstarters = ["Same.", "Same."]\n', "appears twice"),
        (scale((4, 9)) + '[[choice]]\nstarter = ["Typo."]\n', "unknown field"),
        ("[[scale]\n", "not readable"),
    ],
)
def test_a_bad_starters_file_is_refused_saying_why(tmp_path, content, says):
    path = tmp_path / "starters.toml"
    path.write_text(content)

    with pytest.raises(ContentError, match=re.escape(says)):
        read_starters(path)


def test_a_well_formed_file_reads(tmp_path):
    path = tmp_path / "starters.toml"
    path.write_text(scale((4, 6), (7, 9)) + GOOD_CHOICE)

    bands = read_starters(path)

    assert [(b.gaps.start, b.gaps.stop - 1) for b in bands["scale"]] == [(4, 6), (7, 9)]
    assert bands["choice"][0].gaps == range(1, 2)


# Far apart


def prompt(pk, kind):
    fields = {"choices": ["Tea", "Coffee"]} if kind == PromptKind.CHOICE else {}
    return ReflectionPrompt(pk=pk, kind=kind, text=f"Question {pk}?", **fields)


def answer(*, scale_value=None, text="", passed=False):
    return Answer(content=AnswerContent(text=text, scale_value=scale_value, passed=passed))


def row(pk, kind, mine, partners):
    return PromptRow(prompt=prompt(pk, kind), mine=mine, partners=partners)


@pytest.mark.parametrize(
    "mine, partners, apart",
    [(2, 6, True), (2, 5, False), (6, 2, True), (1, 10, True), (5, 5, False), (9, 6, False)],
)
def test_a_scale_is_far_apart_from_a_gap_of_four(mine, partners, apart):
    rows = [row(7, PromptKind.SCALE, answer(scale_value=mine), answer(scale_value=partners))]

    assert bool(far_apart(rows)) is apart


@pytest.mark.parametrize("mine, partners, apart", [("Tea", "Coffee", True), ("Tea", "Tea", False)])
def test_a_choice_is_far_apart_when_the_options_differ(mine, partners, apart):
    rows = [row(7, PromptKind.CHOICE, answer(text=mine), answer(text=partners))]

    assert bool(far_apart(rows)) is apart


@pytest.mark.parametrize(
    "kind, mine, partners",
    [
        (PromptKind.SCALE, answer(scale_value=1), None),
        (PromptKind.SCALE, None, answer(scale_value=10)),
        (PromptKind.SCALE, answer(scale_value=1), answer(passed=True)),
        (PromptKind.SCALE, answer(scale_value=1), answer()),
        (PromptKind.CHOICE, answer(text="Tea"), answer(passed=True)),
        (PromptKind.CHOICE, answer(passed=True), answer(text="Coffee")),
        (PromptKind.CHOICE, answer(text="Tea"), None),
        (PromptKind.TEXT, answer(text="Yes"), answer(text="No")),
    ],
)
def test_a_missing_or_passed_answer_or_open_text_is_never_far_apart(kind, mine, partners):
    assert far_apart([row(7, kind, mine, partners)]) == []


def test_far_apart_lists_scales_by_largest_gap_then_choices_each_with_its_bands_starter():
    rows = [
        row(1, PromptKind.CHOICE, answer(text="Tea"), answer(text="Coffee")),
        row(2, PromptKind.SCALE, answer(scale_value=1), answer(scale_value=5)),
        row(3, PromptKind.SCALE, answer(scale_value=1), answer(scale_value=10)),
    ]

    differences = far_apart(rows)

    assert [(d.prompt.pk, d.gap) for d in differences] == [(3, 9), (2, 4), (1, 1)]
    bands = {(band.kind, gap): band for bands in SHIPPED.values() for band in bands for gap in band.gaps}
    for d in differences:
        band = bands[(d.prompt.kind, d.gap)]
        assert d.starter == band.starters[d.prompt.pk % len(band.starters)]


def test_a_bigger_gap_gets_a_starter_from_its_own_band():
    near, far = SHIPPED["scale"][0], SHIPPED["scale"][-1]

    assert starter_for(prompt_pk=0, kind="scale", gap=4) in near.starters
    assert starter_for(prompt_pk=0, kind="scale", gap=9) in far.starters
    assert not set(near.starters) & set(far.starters)


def test_the_same_prompt_always_gets_the_same_starter_and_prompts_share_them_out():
    band = SHIPPED["scale"][0]
    picked = [starter_for(prompt_pk=pk, kind="scale", gap=5) for pk in range(len(band.starters))]

    assert picked == [starter_for(prompt_pk=pk, kind="scale", gap=5) for pk in range(len(band.starters))]
    assert set(picked) == set(band.starters)


# In the shared view


@pytest.fixture
def far_apart_reflection(reflection, alice, bob, django_capture_on_commit_callbacks):
    """Revealed (and its notices emailed), with the scale 2 against 9 and
    the choices different; the text answers alike."""
    answer_all(reflection, alice, text="Alice's own words")
    answer_all(reflection, bob, text="Bob's own words")
    scale_prompt = reflection.prompts.get(kind="scale")
    choice = reflection.prompts.get(kind="choice")
    answer_save(prompt=scale_prompt, author=alice, scale_value=2)
    answer_save(prompt=scale_prompt, author=bob, scale_value=9)
    answer_save(prompt=choice, author=bob, text=choice.choices[1])
    readiness_set(reflection=reflection, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        readiness_set(reflection=reflection, user=bob)
    return reflection


def shared_view(client, user, reflection):
    client.force_login(user)
    return client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()


def test_the_shared_view_offers_each_far_apart_prompt_its_starter_in_the_summary_and_on_its_card(
    client, alice, far_apart_reflection
):
    body = shared_view(client, alice, far_apart_reflection)

    scale_prompt = far_apart_reflection.prompts.get(kind="scale")
    choice = far_apart_reflection.prompts.get(kind="choice")
    expected = [
        starter_for(prompt_pk=scale_prompt.pk, kind="scale", gap=7),
        starter_for(prompt_pk=choice.pk, kind="choice", gap=1),
    ]
    shown = [html.unescape(text) for text in STARTER_HTML.findall(body)]
    assert shown == expected + expected  # "Where you differ most", then each card
    assert "Where you differ most" in body
    assert "(you Tea, Bob Coffee)" in body and "(you 2, Bob 9)" in body


def test_the_starter_is_the_same_on_every_load_and_for_both_partners(client, alice, bob, far_apart_reflection):
    first = STARTER_HTML.findall(shared_view(client, alice, far_apart_reflection))
    again = STARTER_HTML.findall(shared_view(client, alice, far_apart_reflection))
    bobs = STARTER_HTML.findall(shared_view(client, bob, far_apart_reflection))

    assert first == again == bobs


def test_a_starter_never_quotes_an_answer(client, alice, far_apart_reflection):
    body = shared_view(client, alice, far_apart_reflection)

    answers = {"Tea", "Coffee", "Alice's", "Bob's", "2", "9"}
    for text in STARTER_HTML.findall(body):
        assert html.unescape(text) in every_starter()
        assert not answers & set(re.findall(r"[\w']+", html.unescape(text)))


def test_prompts_close_together_get_no_starter(client, alice, bob, reflection):
    answer_all(reflection, alice)
    answer_all(reflection, bob)  # the same scale and choice
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)

    body = shared_view(client, alice, reflection)

    assert STARTER_HTML.findall(body) == []
    assert "Where you differ most" not in body and "Where you are close" in body


def test_no_notice_or_email_carries_a_starter(client, alice, bob, far_apart_reflection, mailoutbox):
    shared_view(client, alice, far_apart_reflection)
    home = client.get(reverse("reflections:home")).content.decode()

    assert mailoutbox, "the reveal was emailed"
    for text in every_starter():
        assert html.escape(text) not in home
        for message in mailoutbox:
            assert text not in message.subject and text not in message.body
            assert all(text not in alternative for alternative, _ in message.alternatives)


def test_together_mode_offers_the_starter_on_a_far_apart_question_only(client, alice, far_apart_reflection):
    prompts = list(far_apart_reflection.prompts.all())
    scale_prompt = far_apart_reflection.prompts.get(kind="scale")
    client.force_login(alice)

    def starters_on(prompt):
        url = reverse("conversation:together", args=[far_apart_reflection.pk, prompts.index(prompt) + 1])
        return [html.unescape(text) for text in STARTER_HTML.findall(client.get(url).content.decode())]

    assert starters_on(scale_prompt) == [starter_for(prompt_pk=scale_prompt.pk, kind="scale", gap=7)]
    alike = next(p for p in prompts if p.kind == "text")
    assert starters_on(alike) == []
