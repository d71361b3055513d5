"""Twofold's own check-in sets: a few short questions both partners answer
privately every week or two, then reveal together. Each set is a file,
content/checkins/<slug>.toml, reviewed like the library: a `title`, a
one-line `summary` (at most 200 characters), an `order` among the sets, and
4 or 5 `[[prompts]]`:

- every prompt but the last is a scale, with both labels and a `starter`:
  Twofold's words for when the two numbers are far apart, checked like
  content/starters.toml's (short, never a placeholder for an answer);
- the last is the one open question (`kind = "text"`), with no labels and
  no starter;
- each prompt is checked like a coach's question, and is at most 200
  characters: a check-in takes five minutes.

A file that breaks a rule is refused with a ContentError naming it.

Beside each, its translations (`<slug>.es.toml`: the same shape, the words
in another language; library/content_translations.py), carried into the
check-in a couple starts from the set."""

import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from itertools import pairwise
from pathlib import Path

from django.utils import translation

from library.content import CONTENT_DIR, ContentError, check_starter, prompt_fields, read_translations, words_of
from library.content_translations import LONGEST_IN_A_CHECKIN, is_translation
from library.models import PromptFields, PromptKind

SETS_DIR = CONTENT_DIR / "checkins"
SET_FIELDS = {"title", "summary", "order", "prompts"}
# The app takes 3 to 6 prompts in a check-in; our own sets keep to 4 or 5.
PROMPTS_PER_SET = range(4, 5 + 1)
PROMPT_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 200
LABEL_MAX_LENGTH = PromptFields._meta.get_field("scale_min_label").max_length
# The slug ends up in URLs.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class SetPrompt:
    kind: str
    text: str
    scale_min_label: str = ""
    scale_max_label: str = ""
    starter: str = ""
    # {"es": {"text": …, "scale_min_label": …, "scale_max_label": …, "starter": …}}
    translations: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CheckInSet:
    slug: str
    title: str
    summary: str
    prompts: tuple[SetPrompt, ...]
    translations: dict = field(default_factory=dict, compare=False)  # {"es": {"title": …, "summary": …}}

    def translated(self, name: str, language: str | None = None) -> str:
        """`name` in `language` (the active one by default), as library.models.Translated does."""
        return self.translations.get(language or translation.get_language() or "", {}).get(name) or getattr(self, name)


SET_PROMPT_FIELDS = {f.name for f in fields(SetPrompt)} - {"translations"}
PROMPT_WORDS = ["text", "scale_min_label", "scale_max_label", "starter"]


def _set_prompt(values: dict, where: str, *, last: bool) -> SetPrompt:
    unknown = set(values) - SET_PROMPT_FIELDS
    if unknown:
        raise ContentError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    not_text = sorted(name for name, value in values.items() if not isinstance(value, str))
    if not_text:
        raise ContentError(f"{where}: {not_text[0]} must be a string")
    kind = values.get("kind", PromptKind.TEXT)
    if kind not in (PromptKind.SCALE, PromptKind.TEXT):
        raise ContentError(f"{where}: kind {kind!r}; a check-in asks scales and one open question")
    kind = PromptKind(kind).value
    if last and kind != PromptKind.TEXT:
        raise ContentError(f'{where}: the last prompt is the open question, kind = "text"')
    if not last and kind == PromptKind.TEXT:
        raise ContentError(f"{where}: one open question only, and last; the others are scales")
    starter = values.get("starter")
    checked = prompt_fields({name: value for name, value in values.items() if name != "starter"}, where)
    if len(checked["text"]) > PROMPT_MAX_LENGTH:
        raise ContentError(f"{where}: {len(checked['text'])} characters, at most {PROMPT_MAX_LENGTH}")
    if kind == PromptKind.TEXT:
        if checked["scale_min_label"] or checked["scale_max_label"] or starter is not None:
            raise ContentError(f"{where}: the open question has no scale labels and no starter")
        return SetPrompt(kind=kind, text=checked["text"])
    for label in ("scale_min_label", "scale_max_label"):
        if len(checked[label]) > LABEL_MAX_LENGTH:
            raise ContentError(f"{where}: {label} has {len(checked[label])} characters, at most {LABEL_MAX_LENGTH}")
    if starter is None:
        raise ContentError(f"{where}: a scale needs a starter, for when the two numbers are far apart")
    check_starter(starter, f"{where}, starter")
    return SetPrompt(
        kind=kind,
        text=checked["text"],
        scale_min_label=checked["scale_min_label"],
        scale_max_label=checked["scale_max_label"],
        starter=starter,
    )


def _read_set(path: Path) -> tuple[int, CheckInSet]:
    """The set in `path`, with its place among the sets."""
    try:
        values = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{path.name}: not readable ({error})") from None
    if not SLUG.fullmatch(path.stem):
        raise ContentError(f"{path.name}: name the file in lower-case words joined by hyphens")
    unknown = set(values) - SET_FIELDS
    if unknown:
        raise ContentError(f"{path.name}: unknown field {sorted(unknown)[0]!r}")
    missing = SET_FIELDS - set(values)
    if missing:
        raise ContentError(f"{path.name}: missing {', '.join(sorted(missing))}")
    title, summary, order, prompts = (values[name] for name in ("title", "summary", "order", "prompts"))
    if not isinstance(title, str) or not title.strip():
        raise ContentError(f"{path.name}: give a title")
    one_line = isinstance(summary, str) and summary.strip() and "\n" not in summary.strip()
    if not one_line or len(summary) > SUMMARY_MAX_LENGTH:
        raise ContentError(f"{path.name}: the summary is one line, at most {SUMMARY_MAX_LENGTH} characters")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ContentError(f"{path.name}: order must be a whole number")
    if not isinstance(prompts, list) or not all(isinstance(p, dict) for p in prompts):
        raise ContentError(f"{path.name}: write each prompt as a [[prompts]] table")
    if len(prompts) not in PROMPTS_PER_SET:
        raise ContentError(f"{path.name}: {len(prompts)} prompts; a set has 4 or 5")
    checked = tuple(
        _set_prompt(p, f"{path.name}, prompt {n}", last=n == len(prompts)) for n, p in enumerate(prompts, 1)
    )
    translated = read_translations(path, longest=LONGEST_IN_A_CHECKIN)
    prompts = tuple(
        SetPrompt(
            **{name: getattr(p, name) for name in SET_PROMPT_FIELDS}, translations=_words(translated, n, PROMPT_WORDS)
        )
        for n, p in enumerate(checked)
    )
    translations = {language: words_of(them, ["title", "summary"]) for language, them in translated.items()}
    return order, CheckInSet(slug=path.stem, title=title, summary=summary, prompts=prompts, translations=translations)


def _words(translated: dict[str, dict], n: int, names: list[str]) -> dict:
    return {language: words_of(them["prompts"][n], names) for language, them in translated.items()}


def load_sets(directory: Path = SETS_DIR) -> dict[str, CheckInSet]:
    """Every set in `directory`, by slug, in the order they are offered."""
    paths = sorted(path for path in directory.glob("*.toml") if not is_translation(path))
    if not paths:
        raise ContentError(f"{directory.name}: no check-in sets")
    ordered = sorted((_read_set(path) for path in paths), key=lambda pair: pair[0])
    for (order, earlier), (next_order, later) in pairwise(ordered):
        if order == next_order:
            raise ContentError(f"{later.slug}.toml: order {order} is already {earlier.slug}.toml's")
    return {checkin.slug: checkin for _, checkin in ordered}


@cache
def checkin_sets() -> dict[str, CheckInSet]:
    """The shipped sets, read once per process: the files only change with
    a release."""
    return load_sets()


def checkin_set(slug: str) -> CheckInSet | None:
    return checkin_sets().get(slug)
