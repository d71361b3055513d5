"""A content file's translation: a sibling named with its language,
`content/guides/<slug>.es.md` beside `<slug>.md`, `themes.es.toml` beside
`themes.toml`. It repeats the English file's shape with its words
translated: the same tables and lists in the same order, the same `kind`,
`slug` and `gaps`, the same number of options, and none of what is not
words for a reader (a guide's themes and source, a set's order).

`mismatches` says where a translation's shape differs from the English;
the loaders and tests/test_content_languages.py use it, and so can a
translator:

    python -m library.content_translations content/guides/<slug>.es.md
"""

import sys
import tomllib
from pathlib import Path

# Words a reader reads: translated, never empty.
TRANSLATED = {
    "title",
    "summary",
    "body",
    "credits",
    "text",
    "scale_min_label",
    "scale_max_label",
    "choices",
    "name",
    "blurb",
    "starter",
    "starters",
}
# The file's structure: the same in every language.
KEPT = {"kind", "slug", "gaps"}
# Said once, in the English file only.
ENGLISH_ONLY = {"themes", "source_title", "source_name", "source_url", "order"}
# The longest a field may be, where the models or the content rules say so.
LONGEST = {"title": 200, "text": 500, "scale_min_label": 60, "scale_max_label": 60, "starter": 160, "starters": 160}
LONGEST_IN_A_CHECKIN = {**LONGEST, "text": 200, "summary": 200}


def translation_path(path: Path, language: str) -> Path:
    """`guides/a.md` -> `guides/a.es.md`."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def is_translation(path: Path) -> bool:
    """A sibling in another language: its stem carries a language (`a.es`)."""
    return "." in path.stem


def read_content(path: Path) -> dict:
    """A content file's values: TOML, or a guide's TOML header with its text
    as `body`."""
    text = path.read_text()
    if path.suffix == ".md":
        _, header, body = text.split("+++", 2)
        return {**tomllib.loads(header), "body": body.strip()}
    return tomllib.loads(text)


def mismatches(english, other, where: str = "", longest: dict = LONGEST) -> list[str]:
    """Each place where `other` is not `english`'s shape with words in it."""
    found = []
    if isinstance(english, dict):
        if not isinstance(other, dict):
            return [f"{where or 'the file'}: a table in English"]
        expected = {key for key, value in english.items() if not _english_only(key, value)}
        for key in sorted(expected - set(other)):
            found.append(f"{where}{key}: missing")
        for key in sorted(set(other) - expected):
            found.append(f"{where}{key}: not in the English (or not translated)")
        for key in sorted(expected & set(other)):
            at = f"{where}{key}"
            if key in KEPT:
                if other[key] != english[key]:
                    found.append(f"{at}: {other[key]!r}, the English has {english[key]!r}")
            elif key in ("choices", "starters") or key in TRANSLATED and not isinstance(english[key], (dict, list)):
                found += _words(english[key], other[key], at, longest.get(key))
            else:
                found += mismatches(english[key], other[key], f"{at}.", longest)
        return found
    if isinstance(english, list):
        if not isinstance(other, list) or len(other) != len(english):
            count = len(other) if isinstance(other, list) else "not a list"
            return [f"{where.rstrip('.')}: {count}, the English has {len(english)}"]
        for n, (mine, theirs) in enumerate(zip(english, other, strict=True), 1):
            found += mismatches(mine, theirs, f"{where.rstrip('.')} {n}.", longest)
        return found
    return [] if english == other else [f"{where.rstrip('.')}: {other!r}, the English has {english!r}"]


def _english_only(key, value) -> bool:
    # content/themes.toml's `themes` are tables to translate; a guide's are slugs.
    is_tables = isinstance(value, list) and value and isinstance(value[0], dict)
    return key in ENGLISH_ONLY and not is_tables


def _words(english, other, where: str, longest: int | None) -> list[str]:
    if isinstance(english, list):
        if not isinstance(other, list) or len(other) != len(english):
            count = len(other) if isinstance(other, list) else "not a list"
            return [f"{where}: {count} items, the English has {len(english)}"]
        return [problem for n, item in enumerate(other, 1) for problem in _words("", item, f"{where} {n}", longest)]
    if not isinstance(other, str) or not other.strip():
        return [f"{where}: empty"]
    if longest and len(other) > longest:
        return [f"{where}: {len(other)} characters, at most {longest}"]
    return []


def check_file(path: Path) -> list[str]:
    """What is wrong with the translation at `path`, against its English."""
    stem, _, _ = path.stem.partition(".")
    english = path.with_name(stem + path.suffix)
    longest = LONGEST_IN_A_CHECKIN if path.parent.name == "checkins" else LONGEST
    try:
        return mismatches(read_content(english), read_content(path), longest=longest)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        return [f"not readable: {error}"]


if __name__ == "__main__":
    problems = {path: check_file(Path(path)) for path in sys.argv[1:]}
    for path, found in problems.items():
        print(f"{path}: {'ok' if not found else ''}")
        for problem in found:
            print(f"  {problem}")
    sys.exit(1 if any(problems.values()) else 0)
