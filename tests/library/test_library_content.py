"""Twofold's own library as it is shipped (content/): every guide and bank
question is complete, varied and unique, and loading it is idempotent."""

import re
from collections import Counter

import pytest

from library.content import CONTENT_DIR, PROMPTS_PER_GUIDE, library_load, read_bank, read_guides, read_themes
from library.models import Article, BankQuestion, Prompt, Theme

GUIDES = read_guides()
BANK = read_bank()
THEMES = {theme["slug"] for theme in read_themes()}
# Every orientation, gender and relationship form: no screen assumes one.
ASSUMING = re.compile(r"\b(he|she|him|her|his|hers|husband|wife|boyfriend|girlfriend)\b", re.IGNORECASE)


def normalised(text):
    return re.sub(r"\W+", " ", text).strip().lower()


def test_the_library_has_enough_to_come_back_to():
    assert len(GUIDES) >= 24
    assert len({guide.themes[0] for guide in GUIDES}) >= 8, "guides across at least 8 main themes"
    assert sum(len(questions) for questions in BANK.values()) >= 150


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: guide.slug)
def test_every_guide_is_complete(guide):
    assert guide.title.strip() and guide.summary.strip()
    assert guide.themes and set(guide.themes) <= THEMES
    assert len(guide.prompts) in PROMPTS_PER_GUIDE
    assert {prompt["kind"] for prompt in guide.prompts} == {"text", "scale", "choice"}, "kinds are mixed"
    for prompt in guide.prompts:
        if prompt["kind"] == "scale":
            assert prompt["scale_min_label"].strip() and prompt["scale_max_label"].strip()
        if prompt["kind"] == "choice":
            assert len(set(prompt["choices"])) >= 2
    if guide.source:
        assert set(guide.source) == {"source_title", "source_name", "source_url"}, "a source is credited in full"
    else:
        assert 300 <= len(guide.body.split()) <= 700, "a guide is worth reading on its own"
    assert guide.reading_minutes >= 1


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: guide.slug)
def test_no_guide_assumes_a_gender(guide):
    words = [guide.title, guide.summary, guide.body, *(p["text"] for p in guide.prompts)]
    words += [choice for p in guide.prompts for choice in p["choices"]]
    assert not ASSUMING.findall(" ".join(words))


def test_no_prompt_appears_twice_in_the_library_or_the_bank():
    texts = [normalised(p["text"]) for guide in GUIDES for p in guide.prompts]
    texts += [normalised(q["text"]) for questions in BANK.values() for q in questions]
    repeated = [text for text, count in Counter(texts).items() if count > 1]
    assert not repeated


def test_every_bank_theme_is_a_theme_and_every_question_is_complete():
    assert set(BANK) <= THEMES
    for questions in BANK.values():
        for question in questions:
            if question["kind"] == "scale":
                assert question["scale_min_label"].strip() and question["scale_max_label"].strip()
            if question["kind"] == "choice":
                assert len(set(question["choices"])) >= 2
            assert not ASSUMING.findall(question["text"])
    kinds = Counter(q["kind"] for questions in BANK.values() for q in questions)
    assert set(kinds) == {"text", "scale", "choice"}


def test_loading_puts_every_guide_and_question_in_the_database(db):
    loaded = library_load()

    assert (loaded.guides, loaded.themes) == (len(GUIDES), len(THEMES))
    assert Article.objects.in_library().count() == len(GUIDES)
    assert Theme.objects.count() == len(THEMES)
    assert BankQuestion.objects.count() == loaded.questions
    assert Prompt.objects.count() == sum(len(guide.prompts) for guide in GUIDES)


def test_loading_twice_changes_nothing(db):
    library_load()
    before = sorted(Prompt.objects.values_list("pk", "article__slug", "order", "text"))

    library_load()

    assert sorted(Prompt.objects.values_list("pk", "article__slug", "order", "text")) == before
    assert Article.objects.count() == len(GUIDES)


def test_a_changed_guide_changes_the_article_but_not_a_started_reflection(db, tmp_path, couple, alice):
    from reflections.services import reflection_start

    content = tmp_path / "content"
    (content / "guides").mkdir(parents=True)
    (content / "question-bank").mkdir()
    (content / "themes.toml").write_text((CONTENT_DIR / "themes.toml").read_text())
    source = CONTENT_DIR / "guides" / "closeness-then-distance.md"
    copy = content / "guides" / source.name
    copy.write_text(source.read_text())
    library_load(content)
    article = Article.objects.get(slug="closeness-then-distance")
    reflection = reflection_start(article=article, by=alice)
    asked = list(reflection.prompts.values_list("text", flat=True))

    first = GUIDES[[g.slug for g in GUIDES].index("closeness-then-distance")].prompts[0]["text"]
    copy.write_text(source.read_text().replace(first, "A new first question?"))
    library_load(content)

    assert article.prompts.first().text == "A new first question?"
    assert list(reflection.prompts.values_list("text", flat=True)) == asked
