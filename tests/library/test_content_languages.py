"""Twofold's content in every language it speaks: each content file has a
translation beside it with the same shape (the same prompts, in the same
order, of the same kinds, with the same number of options), loaded into
the rows, kept in a reflection's snapshot, and read by each partner in
their own language.

test_every_content_file_is_translated is the one that says what a new
language still lacks (README, "Adding a language")."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from checkins.services import checkin_accept, checkin_propose, round_open
from checkins.sets import checkin_set
from library.catalogue import library_for, search
from library.content import CONTENT_DIR, library_load, other_languages
from library.content_translations import check_file, is_translation, read_content, translation_path
from library.models import Article, BankQuestion, Theme
from reflections.models import ReflectionPrompt
from reflections.services import answer_save, reflection_start

ENGLISH_FILES = sorted(
    path
    for path in [*CONTENT_DIR.glob("*.toml"), *CONTENT_DIR.glob("*/*.toml"), *CONTENT_DIR.glob("guides/*.md")]
    if not is_translation(path)
)


def name(path: Path) -> str:
    return str(path.relative_to(CONTENT_DIR))


def test_twofold_speaks_more_than_english():
    assert other_languages(), "settings.LANGUAGES names the languages Twofold speaks"
    assert len(ENGLISH_FILES) >= 25 + 12 + 4 + 2


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE])
@pytest.mark.parametrize("english", ENGLISH_FILES, ids=name)
def test_every_content_file_is_translated(english, language):
    translated = translation_path(english, language)
    assert translated.exists(), f"content/{name(translated)} is missing: translate content/{name(english)}"
    assert check_file(translated) == [], f"content/{name(translated)} differs from the English in shape"


@pytest.mark.parametrize("english", [p for p in ENGLISH_FILES if p.suffix == ".md"], ids=name)
def test_a_translated_guide_asks_the_same_questions_in_the_same_order(english):
    guide = read_content(english)
    for language in other_languages():
        translated = read_content(translation_path(english, language))
        assert [p["kind"] for p in translated["prompts"]] == [p["kind"] for p in guide["prompts"]]
        assert [len(p.get("choices", [])) for p in translated["prompts"]] == [
            len(p.get("choices", [])) for p in guide["prompts"]
        ]
        assert translated["body"].count("\n\n") == guide["body"].count("\n\n"), "paragraph for paragraph"


def test_a_translation_of_another_shape_is_refused(tmp_path):
    (tmp_path / "a.md").write_text(
        '+++\ntitle = "A"\nsummary = "S"\n[[prompts]]\nkind = "scale"\ntext = "Q"\n+++\nBody'
    )
    (tmp_path / "a.es.md").write_text('+++\ntitle = "A"\nsummary = "S"\n[[prompts]]\nkind = "text"\ntext = "P"\n+++\nB')

    assert check_file(tmp_path / "a.es.md") == ["prompts 1.kind: 'text', the English has 'scale'"]


def test_loading_puts_every_language_in_the_rows(db):
    library_load()

    article = Article.objects.get(slug="closeness-then-distance")
    assert article.translations["es"]["title"] != article.title
    assert set(article.translations["es"]) >= {"title", "summary", "body"}
    for prompt in article.prompts.all():
        assert prompt.translations["es"]["text"]
        assert len(prompt.translated("choices", "es")) == len(prompt.choices)
    assert all(theme.translations["es"]["name"] for theme in Theme.objects.all())
    assert all(question.translations["es"]["text"] for question in BankQuestion.objects.all())


def test_a_reader_gets_their_language_and_the_words_as_written_where_there_is_none(db):
    library_load()
    article = Article.objects.get(slug="closeness-then-distance")

    with translation.override("es"):
        assert article.translated("title") == article.translations["es"]["title"]
    assert article.translated("title") == article.title
    article.translations = {}
    with translation.override("es"):
        assert article.translated("title") == article.title


def test_a_reflection_keeps_every_languages_words_as_they_were(db, couple, alice):
    library_load()
    article = Article.objects.get(slug="closeness-then-distance")
    reflection = reflection_start(article=article, by=alice)
    spanish_title = article.translations["es"]["title"]

    article.translations = {}
    article.save()
    article.prompts.update(translations={})

    reflection.refresh_from_db()
    assert reflection.translated("title", "es") == spanish_title
    snapshot = ReflectionPrompt.objects.filter(reflection=reflection).order_by("order")
    assert all(prompt.translations["es"]["text"] for prompt in snapshot)


def test_a_choice_made_in_one_language_reads_in_the_other(db, couple, alice):
    library_load()
    reflection = reflection_start(article=Article.objects.get(slug="closeness-then-distance"), by=alice)
    choice = ReflectionPrompt.objects.get(reflection=reflection, kind="choice")
    spanish = choice.translated("choices", "es")
    alice.language = "es"
    alice.save()

    answer = answer_save(prompt=choice, author=alice, text=spanish[2])

    assert answer.language == "es"
    assert choice.option_shown(answer.text, "en") == choice.choices[2]
    assert choice.option_shown(answer.text, "es") == spanish[2]
    assert choice.option_shown("Something no longer an option", "en") == "Something no longer an option"


def test_a_checkin_from_a_set_keeps_its_words_in_every_language(db, couple, alice, bob):
    chosen = checkin_set("connected")
    prompts = [
        {name: getattr(p, name) for name in ("kind", "text", "scale_min_label", "scale_max_label", "starter")}
        | {"translations": p.translations}
        for p in chosen.prompts
    ]
    checkin = checkin_propose(by=alice, title=chosen.title, cadence=7, weekday=0, prompts=prompts, set_slug="connected")
    checkin_accept(checkin=checkin, by=bob)
    checkin.refresh_from_db()

    opened = round_open(checkin.pk, today=checkin.next_round_on)

    spanish = chosen.translations["es"]["title"]
    assert checkin.translated("title", "es") == spanish
    assert opened.reflection.translated("title", "es").startswith(f"{spanish} · ")
    first = ReflectionPrompt.objects.filter(reflection=opened.reflection).order_by("order").first()
    assert first.translated("text", "es") == chosen.prompts[0].translations["es"]["text"]


def test_the_library_is_searched_in_the_readers_language(db):
    library_load()
    guides = Article.objects.filter(slug__in=["closeness-then-distance", "thanks-that-lands"])
    spanish_word = Article.objects.get(slug="thanks-that-lands").translations["es"]["title"].split()[0]

    assert spanish_word not in Article.objects.get(slug="thanks-that-lands").title
    assert list(search(guides, spanish_word, "es").values_list("slug", flat=True)) == ["thanks-that-lands"]
    assert not search(guides, spanish_word, "en").exists()
    assert list(search(guides, "Thanks", "es").values_list("slug", flat=True)) == ["thanks-that-lands"]


def test_the_library_is_in_alphabetical_order_in_the_readers_language(db, alice):
    """Within each guide's main theme, by the title the reader reads."""
    library_load()

    def listed(language):
        with translation.override(language):
            page = library_for(alice, {"theme": "stress-and-support"})
        return [(entry.article.theme.order, entry.article.translated("title", language)) for entry in page.entries]

    english, spanish = listed("en"), listed("es")
    assert english == sorted(english)
    assert spanish == sorted(spanish)
    spanish_titles = dict(Article.objects.values_list("title", "translations__es__title"))
    assert [spanish_titles[title] for _, title in english] != [title for _, title in spanish]
