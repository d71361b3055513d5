"""Twofold's own library, kept as data files under content/ and loaded into
the database by `manage.py library_load` (which `make run` calls):

- content/themes.toml: the themes, in the order the library shows them;
- content/guides/<slug>.md: one guide each, a TOML header between `+++`
  lines (title, themes, summary, prompts, and credits or a source where it
  builds on one) and then the guide's own text;
- content/question-bank/<theme>.toml: the question bank, one file a theme;
- beside each, its translations: `<name>.<language>.<ext>`, the same shape
  with the words in another language (library/content_translations.py),
  loaded into each row's `translations`.

Loading is idempotent: a guide's fields, themes and prompts follow its
file; reflections already started keep the snapshot of their prompts.

Also the checks shared by the other content files: a prompt's
(`prompt_fields`) and a conversation starter's (`check_starter`)."""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .content_translations import LONGEST, is_translation, mismatches, read_content, translation_path
from .fetching import reading_minutes
from .models import Article, BankQuestion, Prompt, PromptKind, Theme

CONTENT_DIR = settings.BASE_DIR / "content"
GUIDE_FIELDS = {"title", "themes", "summary", "credits", "source_title", "source_name", "source_url", "prompts"}
PROMPT_FIELDS = ["kind", "text", "scale_min_label", "scale_max_label", "choices"]
PROMPT_WORDS = ["text", "scale_min_label", "scale_max_label", "choices"]
GUIDE_WORDS = ["title", "summary", "body", "credits"]
PROMPTS_PER_GUIDE = range(5, 9)
STARTER_MAX_LENGTH = 160

# Anything that looks like a slot for someone's words: {answer}, {{ x }},
# %(x)s, %s, $x, <x>.
PLACEHOLDER = re.compile(r"[{}<>$]|%[(a-z]")


class ContentError(Exception):
    """A content file that cannot be loaded; says which and why."""


@dataclass
class Guide:
    slug: str
    title: str
    summary: str
    body: str
    themes: list[str]
    prompts: list[dict]
    credits: str = ""
    source: dict = field(default_factory=dict)
    translations: dict = field(default_factory=dict)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.body)


def prompt_fields(values: dict, where: str, model=Prompt) -> dict:
    """A prompt's fields as the model stores them, checked by the same
    rules as a coach's questions (PromptFields.clean)."""
    unknown = set(values) - set(PROMPT_FIELDS)
    if unknown:
        raise ContentError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    fields = {"kind": PromptKind.TEXT, "scale_min_label": "", "scale_max_label": "", "choices": [], **values}
    try:
        model(**fields).clean()
    except ValidationError as error:
        raise ContentError(f"{where}: {'; '.join(error.messages)}") from None
    return fields


def check_starter(text, where: str) -> None:
    """A conversation starter is Twofold's own short words and never stands
    in for what anyone answered."""
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"{where}: empty")
    if len(text) > STARTER_MAX_LENGTH:
        raise ContentError(f"{where}: {len(text)} characters, at most {STARTER_MAX_LENGTH}")
    if PLACEHOLDER.search(text):
        raise ContentError(f"{where}: no placeholders; a starter never quotes an answer")


def other_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def read_translations(path: Path, longest: dict = LONGEST) -> dict[str, dict]:
    """The values of each translation of the English file at `path`, by
    language, each checked against the English file's shape. A language
    without one reads the English (tests/test_content_languages.py says
    which are missing)."""
    found = {}
    for language in other_languages():
        sibling = translation_path(path, language)
        if not sibling.exists():
            continue
        try:
            values = read_content(sibling)
        except (ValueError, tomllib.TOMLDecodeError) as error:
            raise ContentError(f"{sibling.name}: not readable ({error})") from None
        problems = mismatches(read_content(path), values, longest=longest)
        if problems:
            raise ContentError(f"{sibling.name}: {problems[0]}")
        found[language] = values
    return found


def words_of(values: dict, fields: list[str]) -> dict:
    return {name: values[name] for name in fields if values.get(name)}


def with_translations(prompts: list[dict], translated: dict[str, list[dict]]) -> list[dict]:
    """Each prompt's fields with its words in every other language."""
    return [
        {**prompt, "translations": {language: words_of(them[n], PROMPT_WORDS) for language, them in translated.items()}}
        for n, prompt in enumerate(prompts)
    ]


def read_themes(directory: Path = CONTENT_DIR) -> list[dict]:
    path = directory / "themes.toml"
    themes = tomllib.loads(path.read_text())["themes"]
    translated = read_translations(path)
    return [
        {
            **theme,
            "translations": {
                language: words_of(values["themes"][n], ["name", "blurb"]) for language, values in translated.items()
            },
        }
        for n, theme in enumerate(themes)
    ]


def read_guide(path: Path) -> Guide:
    try:
        _, header, body = path.read_text().split("+++", 2)
        values = tomllib.loads(header)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{path.name}: no readable +++ header ({error})") from None
    unknown = set(values) - GUIDE_FIELDS
    if unknown:
        raise ContentError(f"{path.name}: unknown field {sorted(unknown)[0]!r}")
    missing = {"title", "themes", "summary", "prompts"} - set(values)
    if missing or not values["themes"]:
        raise ContentError(f"{path.name}: missing {', '.join(sorted(missing)) or 'themes'}")
    prompts = [prompt_fields(p, f"{path.name}, prompt {n}") for n, p in enumerate(values["prompts"], 1)]
    translated = read_translations(path)
    return Guide(
        slug=path.stem,
        title=values["title"],
        summary=values["summary"],
        body=body.strip(),
        themes=values["themes"],
        credits=values.get("credits", ""),
        source={k: values[k] for k in ("source_title", "source_name", "source_url") if k in values},
        prompts=with_translations(prompts, {language: them["prompts"] for language, them in translated.items()}),
        translations={language: words_of(them, GUIDE_WORDS) for language, them in translated.items()},
    )


def read_guides(directory: Path = CONTENT_DIR) -> list[Guide]:
    return [read_guide(path) for path in sorted((directory / "guides").glob("*.md")) if not is_translation(path)]


def read_bank(directory: Path = CONTENT_DIR) -> dict[str, list[dict]]:
    """Each theme's questions, from question-bank/<theme>.toml."""
    bank = {}
    for path in sorted((directory / "question-bank").glob("*.toml")):
        if is_translation(path):
            continue
        questions = tomllib.loads(path.read_text()).get("questions", [])
        checked = [prompt_fields(q, f"{path.name}, question {n}") for n, q in enumerate(questions, 1)]
        translated = {language: them.get("questions", []) for language, them in read_translations(path).items()}
        bank[path.stem] = with_translations(checked, translated)
    return bank


@dataclass(frozen=True)
class Loaded:
    themes: int
    guides: int
    questions: int


def library_load(directory: Path = CONTENT_DIR) -> Loaded:
    """Create or update the library from `directory`. Safe to run again."""
    themes, guides, bank = read_themes(directory), read_guides(directory), read_bank(directory)
    with transaction.atomic():
        by_slug = {}
        for order, values in enumerate(themes, 1):
            by_slug[values["slug"]], _ = Theme.objects.update_or_create(
                slug=values["slug"],
                defaults={
                    "name": values["name"],
                    "blurb": values.get("blurb", ""),
                    "order": order,
                    "translations": values["translations"],
                },
            )
        for guide in guides:
            _guide_load(guide, by_slug)
        for slug, questions in bank.items():
            _bank_load(_theme(by_slug, slug, f"question-bank/{slug}.toml"), questions)
    return Loaded(len(themes), len(guides), sum(len(q) for q in bank.values()))


def _theme(by_slug: dict[str, Theme], slug: str, where: str) -> Theme:
    if slug not in by_slug:
        raise ContentError(f"{where}: no theme {slug!r} in themes.toml")
    return by_slug[slug]


def _guide_load(guide: Guide, by_slug: dict[str, Theme]) -> Article:
    themes = [_theme(by_slug, slug, f"guides/{guide.slug}.md") for slug in guide.themes]
    article, _ = Article.objects.update_or_create(
        slug=guide.slug,
        defaults={
            "title": guide.title,
            "summary": guide.summary,
            "body": guide.body,
            "credits": guide.credits,
            "translations": guide.translations,
            "source_title": guide.source.get("source_title", ""),
            "source_name": guide.source.get("source_name", ""),
            "source_url": guide.source.get("source_url", ""),
            "reading_minutes": guide.reading_minutes,
            "theme": themes[0],
            "owner": None,
            "status": Article.Status.PUBLISHED,
            "visibility": Article.Visibility.PUBLIC,
        },
    )
    article.themes.set(themes)
    stored = [{f: getattr(p, f) for f in [*PROMPT_FIELDS, "translations"]} for p in article.prompts.all()]
    if stored != guide.prompts:
        # Started reflections hold their own snapshot, so the article's
        # prompts can simply follow the file.
        article.prompts.all().delete()
        Prompt.objects.bulk_create(Prompt(article=article, order=n, **p) for n, p in enumerate(guide.prompts, 1))
    return article


def _bank_load(theme: Theme, questions: list[dict]) -> None:
    texts = [q["text"] for q in questions]
    theme.questions.exclude(text__in=texts).delete()
    for order, question in enumerate(questions, 1):
        BankQuestion.objects.update_or_create(theme=theme, text=question["text"], defaults={**question, "order": order})
