"""Conversation starters: Twofold's own words to open a conversation where
two revealed answers are far apart. They are content, kept in
content/starters.toml and reviewed like the library; this module reads and
checks that file (ContentError, as the library's loader does), with its
translations beside it (`starters.<language>.toml`: the same bands, each
with the same number of starters in the same order), and picks one starter
for a question, in the reader's language.

A starter never carries what anyone answered: the file may not hold a
placeholder, and picking one takes only the question and the size of the
gap, never an answer."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils import translation

from library.content import CONTENT_DIR, ContentError, check_starter, read_translations
from library.content import STARTER_MAX_LENGTH as STARTER_MAX_LENGTH  # re-exported: the starters' limit
from library.models import SCALE_MAX, SCALE_MIN, PromptKind

STARTERS_FILE = CONTENT_DIR / "starters.toml"

# Where two answers count as far apart, by kind of question: the gaps the
# file's bands must cover. A scale's gap is the distance between the two
# numbers; a choice's is 1 when the options differ. Open text is never
# compared.
FAR_APART = {
    PromptKind.SCALE: range(4, SCALE_MAX - SCALE_MIN + 1),
    PromptKind.CHOICE: range(1, 2),
}


@dataclass(frozen=True)
class Band:
    kind: str
    gaps: range
    starters: tuple[str, ...]
    # The same starters in other languages, in the same order: {"es": (…)}.
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def starters_in(self, language: str | None) -> tuple[str, ...]:
        """The starters in `language` where the file has them, else as written."""
        return self.translations.get(language or "", self.starters)


def _band(kind: str, values: dict, where: str, translated: dict[str, list] | None = None) -> Band:
    unknown = set(values) - {"gaps", "starters"}
    if unknown:
        raise ContentError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    whole = FAR_APART[kind]
    gaps = values.get("gaps", [whole.start, whole.stop - 1])
    if not (isinstance(gaps, list) and len(gaps) == 2 and all(isinstance(g, int) for g in gaps) and gaps[0] <= gaps[1]):
        raise ContentError(f"{where}: gaps must be [from, to], two whole numbers, from the smaller")
    starters = values.get("starters")
    if not isinstance(starters, list) or not starters:
        raise ContentError(f"{where}: give at least one starter")
    for n, text in enumerate(starters, 1):
        check_starter(text, f"{where}, starter {n}")
    if len(set(starters)) != len(starters):
        raise ContentError(f"{where}: a starter appears twice")
    translations = {}
    for language, texts in (translated or {}).items():
        for n, text in enumerate(texts, 1):
            check_starter(text, f"{where}, starter {n} ({language})")
        translations[language] = tuple(text.strip() for text in texts)
    return Band(kind, range(gaps[0], gaps[1] + 1), tuple(text.strip() for text in starters), translations)


def _check_coverage(kind: str, bands: list[Band], name: str) -> None:
    """The bands of `kind`, from the smallest gap, cover FAR_APART[kind]
    exactly: no gap left out, none in two bands."""
    whole, expected = FAR_APART[kind], FAR_APART[kind].start
    for band in bands:
        if band.gaps.start < expected:
            raise ContentError(f"{name}: {kind} bands overlap at a gap of {band.gaps.start}")
        if band.gaps.start > expected:
            raise ContentError(f"{name}: no {kind} band for a gap of {expected}")
        expected = band.gaps.stop
    if expected != whole.stop:
        raise ContentError(f"{name}: {kind} bands must end at a gap of {whole.stop - 1}, not {expected - 1}")


def read_starters(path: Path = STARTERS_FILE) -> dict[str, list[Band]]:
    """Each kind's bands, from the smallest gap, with their translations;
    ContentError if the file, or a translation of it, is not a complete,
    well-formed set of starters."""
    try:
        values = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{path.name}: not readable ({error})") from None
    unknown = set(values) - set(FAR_APART)
    if unknown:
        raise ContentError(f"{path.name}: no starters for {sorted(unknown)[0]!r}: only scale and choice answers differ")
    # Checked against the English file's shape: the same bands and gaps, as many starters in each.
    translated = read_translations(path)
    bands = {}
    for kind in FAR_APART:
        entries = values.get(kind)
        if not isinstance(entries, list) or not entries:
            raise ContentError(f"{path.name}: no starters for {kind} questions")
        kind_bands = sorted(
            (
                _band(
                    kind,
                    entry,
                    f"{path.name}, {kind} band {n}",
                    {language: values[kind][n - 1]["starters"] for language, values in translated.items()},
                )
                for n, entry in enumerate(entries, 1)
            ),
            key=lambda band: band.gaps.start,
        )
        _check_coverage(kind, kind_bands, path.name)
        bands[kind] = kind_bands
    return bands


@cache
def starters() -> dict[str, list[Band]]:
    """The shipped starters, read once per process: the file only changes
    with a release."""
    return read_starters()


def is_far_apart(kind: str, gap: int) -> bool:
    return kind in FAR_APART and gap in FAR_APART[kind]


def starter_for(*, prompt_pk: int, kind: str, gap: int) -> str:
    """The starter for a question whose answers are `gap` apart: from the
    band that gap falls in, the same one every time for the same question,
    in the reader's language."""
    band = next(band for band in starters()[kind] if gap in band.gaps)
    return band.starters_in(translation.get_language())[prompt_pk % len(band.starters)]
