"""Check-in sets: the shipped files load, each a few scales with their
starters and one open question last, in Twofold's words; a file that
breaks a rule is refused with a message naming it."""

import json
import re

import pytest

from checkins.sets import PROMPT_MAX_LENGTH, SUMMARY_MAX_LENGTH, SetPrompt, checkin_set, checkin_sets, load_sets
from library.content import STARTER_MAX_LENGTH, ContentError
from library.models import PromptKind

SHIPPED = load_sets()
ASSUMING = re.compile(r"\b(he|she|him|her|his|hers|husband|wife|boyfriend|girlfriend)\b", re.IGNORECASE)
# A check-in comes back every week or two: each question says which stretch
# of time it asks about.
A_SPAN_OF_TIME = re.compile(
    r"this week|lately|since the last check-in|before the next check-in|right now", re.IGNORECASE
)


# The shipped files


def test_the_shipped_sets_load_in_the_order_they_are_offered():
    assert list(SHIPPED) == ["connected", "stress-and-support", "load-at-home", "closeness-and-desire"]
    assert SHIPPED["connected"].title == "How connected we feel"


def test_every_shipped_set_has_four_or_five_prompts_scales_first_and_one_open_question_last():
    for checkin in SHIPPED.values():
        kinds = [prompt.kind for prompt in checkin.prompts]
        assert len(kinds) in (4, 5), checkin.slug
        assert kinds == [PromptKind.SCALE] * (len(kinds) - 1) + [PromptKind.TEXT], checkin.slug


def test_every_shipped_scale_has_both_labels_and_a_starter_and_the_open_question_has_neither():
    for checkin in SHIPPED.values():
        *scales, last = checkin.prompts
        for prompt in scales:
            assert prompt.scale_min_label and prompt.scale_max_label and prompt.starter, prompt.text
            assert len(prompt.starter) <= STARTER_MAX_LENGTH
        assert not (last.scale_min_label or last.scale_max_label or last.starter)


def test_every_shipped_prompt_is_short_and_asks_about_a_span_of_time():
    for checkin in SHIPPED.values():
        assert len(checkin.summary) <= SUMMARY_MAX_LENGTH
        for prompt in checkin.prompts:
            assert len(prompt.text) <= PROMPT_MAX_LENGTH
            assert A_SPAN_OF_TIME.search(prompt.text), prompt.text


def test_no_shipped_prompt_or_starter_assumes_a_gender_or_holds_a_placeholder():
    for checkin in SHIPPED.values():
        for prompt in checkin.prompts:
            for text in (prompt.text, prompt.scale_min_label, prompt.scale_max_label, prompt.starter):
                assert not ASSUMING.findall(text), text
                assert not re.search(r"[{}<>$%]", text), text


def test_the_shipped_sets_are_read_once_per_process_and_found_by_slug():
    assert checkin_sets() is checkin_sets()
    assert checkin_set("load-at-home") == SHIPPED["load-at-home"]
    assert checkin_set("no-such-set") is None


# Bad files are refused

SCALE = {
    "kind": "scale",
    "text": "How close have you felt this week?",
    "scale_min_label": "Far apart",
    "scale_max_label": "Very close",
    "starter": "Each of you: what moved your number this week?",
}
TEXT = {"kind": "text", "text": "What would help before the next check-in?"}
HEAD = {"title": "Our set", "summary": "How the week went.", "order": 1}


def set_file(prompts=(SCALE, SCALE, SCALE, TEXT), **head):
    lines = [f"{key} = {json.dumps(value)}" for key, value in {**HEAD, **head}.items()]
    for prompt in prompts:
        lines += ["", "[[prompts]]", *(f"{key} = {json.dumps(value)}" for key, value in prompt.items())]
    return "\n".join(lines) + "\n"


def without(prompt, field):
    return {key: value for key, value in prompt.items() if key != field}


@pytest.mark.parametrize(
    "content, says",
    [
        ("[[prompts]\n", "not readable"),
        (set_file(theme="money"), "unknown field 'theme'"),
        (set_file([{**SCALE, "starters": "x"}, SCALE, SCALE, TEXT]), "prompt 1: unknown field 'starters'"),
        (set_file([SCALE, SCALE, SCALE, {**TEXT, "choices": ["a", "b"]}]), "prompt 4: unknown field 'choices'"),
        (set_file().replace('title = "Our set"\n', ""), "missing title"),
        (set_file(summary="x" * (SUMMARY_MAX_LENGTH + 1)), "the summary is one line"),
        (set_file(summary="One line.\nAnd another."), "the summary is one line"),
        (set_file(order="first"), "order must be a whole number"),
        (set_file([SCALE, SCALE, TEXT]), "3 prompts; a set has 4 or 5"),
        (set_file([SCALE] * 5 + [TEXT]), "6 prompts; a set has 4 or 5"),
        (set_file([SCALE, TEXT, SCALE, SCALE]), "prompt 2: one open question only, and last"),
        (set_file([SCALE, SCALE, TEXT, TEXT]), "prompt 3: one open question only, and last"),
        (set_file([SCALE] * 4), 'prompt 4: the last prompt is the open question, kind = "text"'),
        (set_file([{**SCALE, "kind": "choice"}, SCALE, SCALE, TEXT]), "prompt 1: kind 'choice'"),
        (set_file([without(SCALE, "scale_min_label"), SCALE, SCALE, TEXT]), "prompt 1: Say what 1 means."),
        (set_file([SCALE, {**SCALE, "scale_max_label": " "}, SCALE, TEXT]), "prompt 2: Say what 10 means."),
        (set_file([SCALE, SCALE, {**SCALE, "scale_min_label": "x" * 61}, TEXT]), "scale_min_label has 61 characters"),
        (set_file([without(SCALE, "starter"), SCALE, SCALE, TEXT]), "prompt 1: a scale needs a starter"),
        (set_file([SCALE, SCALE, SCALE, {**TEXT, "starter": "Talk."}]), "prompt 4: the open question has no scale"),
        (set_file([SCALE, SCALE, SCALE, {**TEXT, "scale_min_label": "No"}]), "prompt 4: the open question has no"),
        (set_file([{**SCALE, "starter": "  "}, SCALE, SCALE, TEXT]), "prompt 1, starter: empty"),
        (set_file([{**SCALE, "starter": "You said {answer}?"}, SCALE, SCALE, TEXT]), "starter: no placeholders"),
        (set_file([{**SCALE, "starter": "Why %(theirs)s?"}, SCALE, SCALE, TEXT]), "starter: no placeholders"),
        (
            set_file([{**SCALE, "starter": "x" * (STARTER_MAX_LENGTH + 1)}, SCALE, SCALE, TEXT]),
            f"prompt 1, starter: {STARTER_MAX_LENGTH + 1} characters, at most {STARTER_MAX_LENGTH}",
        ),
        (
            set_file([SCALE, SCALE, SCALE, {**TEXT, "text": "x" * (PROMPT_MAX_LENGTH + 1)}]),
            f"prompt 4: {PROMPT_MAX_LENGTH + 1} characters, at most {PROMPT_MAX_LENGTH}",
        ),
        (set_file([SCALE, SCALE, SCALE, {**TEXT, "text": " "}]), "prompt 4: Write the question."),
        (set_file([SCALE, SCALE, SCALE, {**TEXT, "text": 3}]), "prompt 4: text must be a string"),
    ],
)
def test_a_bad_set_file_is_refused_naming_the_file_and_saying_why(tmp_path, content, says):
    (tmp_path / "our-set.toml").write_text(content)

    with pytest.raises(ContentError, match=r"^our-set\.toml.*" + re.escape(says)):
        load_sets(tmp_path)


def test_a_file_not_named_as_a_slug_is_refused(tmp_path):
    (tmp_path / "Our set.toml").write_text(set_file())

    with pytest.raises(ContentError, match=r"^Our set\.toml: name the file in lower-case words"):
        load_sets(tmp_path)


def test_two_sets_in_the_same_place_are_refused(tmp_path):
    (tmp_path / "first.toml").write_text(set_file(order=1))
    (tmp_path / "second.toml").write_text(set_file(order=1))

    with pytest.raises(ContentError, match=r"^second\.toml: order 1 is already first\.toml's"):
        load_sets(tmp_path)


def test_a_folder_without_sets_is_refused(tmp_path):
    with pytest.raises(ContentError, match="no check-in sets"):
        load_sets(tmp_path)


def test_well_formed_files_read_into_sets_in_their_order(tmp_path):
    (tmp_path / "again.toml").write_text(set_file([SCALE, SCALE, SCALE, SCALE, TEXT], title="Again", order=2))
    (tmp_path / "weekly.toml").write_text(set_file(title="Weekly", order=1))

    sets = load_sets(tmp_path)

    assert [(slug, s.title, len(s.prompts)) for slug, s in sets.items()] == [
        ("weekly", "Weekly", 4),
        ("again", "Again", 5),
    ]
    assert sets["weekly"].prompts == (SetPrompt(**SCALE),) * 3 + (SetPrompt(**TEXT),)
