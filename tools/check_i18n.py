"""`make lint`'s checks on the words Twofold shows:

1. Every template's words are marked for translation: text a reader sees
   (and the attributes they hear: alt, title, aria-label, placeholder, a
   button's value) sits inside {% translate %} or {% blocktranslate %}.
2. Each language's catalogues are up to date with the code: running
   makemessages on a copy of the project would change no message, and
   every message is translated (none empty, none fuzzy).

Run: python -m tools.check_i18n [--templates] [--catalogues]. Prints each
finding and exits 1 when there is one. `python -m tools.check_i18n
--update` (`make messages`) brings the catalogues up to date in place.

English is the language the code is written in: it has no catalogue of
its own. rewordings/ (Twofold's words for some of allauth's and Django's
messages, written by hand) is not checked here.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
# Where Twofold's own templates and code live (not tests, the bench, the
# demo's scripted content or third-party code).
SOURCES = ["accounts", "library", "reflections", "checkins", "conversation", "practice", "coaching", "notifications"]
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / app / "templates" for app in SOURCES)]
TEMPLATE_SUFFIXES = {".html", ".txt", ".md"}
IGNORED = [".venv", "node_modules", "staticfiles", "tests", "bench", "content", "tools", "docs"]

# A word: two letters or more. Names that are the same in every language
# need no marking.
WORD = re.compile(r"[^\W\d_]{2,}")
SAME_IN_EVERY_LANGUAGE = {"Twofold", "JSON", "Markdown", "PDF", "URL", "SVG"}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder", "label"}
# Stands in for a template tag or variable, so the HTML can be parsed whole.
SLOT = "\x00"
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
# Blocks whose text is no words: a class list, an attribute.
NOT_WORDS_BLOCK = r"block\s+(?:\w+_class|account_current|live_stream)"
OPENING = re.compile(r"{%\s*(blocktranslate|blocktrans|comment|verbatim|" + NOT_WORDS_BLOCK + r")\b")
CLOSING = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def without_tags(source: str) -> str:
    """The template with every tag, variable and comment a SLOT, and what a
    {% blocktranslate %}, {% comment %}, {% verbatim %} or a block of no
    words holds too (the first is marked, the others are not read)."""
    out, at = [], 0
    while match := TAG.search(source, at):
        out.append(source[at : match.start()])
        opening = OPENING.match(match.group())
        if opening:
            closing_tag = CLOSING.get(opening.group(1), "endblock")
            end = re.compile(r"{%\s*" + closing_tag + r"\b.*?%}")
            closing = end.search(source, match.end())
            stop = closing.end() if closing else len(source)
        else:
            stop = match.end()
        # Keep the line count, so findings name the right line.
        out.append(SLOT + "\n" * source.count("\n", match.start(), stop))
        at = stop
    out.append(source[at:])
    return "".join(out)


def unmarked(text: str) -> str | None:
    """The words in `text` that a reader would read untranslated, if any."""
    for piece in text.split(SLOT):
        words = [w for w in WORD.findall(piece) if w not in SAME_IN_EVERY_LANGUAGE]
        if words:
            return " ".join(piece.split())
    return None


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in ("submit", "button")
            )
            if read and value and (words := unmarked(value)):
                self.found.append((self.getpos()[0], f'{name}="{words}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and (words := unmarked(data)):
            self.found.append((self.getpos()[0], words))


def template_findings(path: Path) -> list[str]:
    source = without_tags(path.read_text())
    where = path.relative_to(ROOT)
    if path.suffix == ".html":
        reader = Reader()
        reader.feed(source)
        reader.close()
        found = reader.found
    else:
        found = [(n, words) for n, line in enumerate(source.splitlines(), 1) if (words := unmarked(line))]
    return [f"{where}:{line}: not marked for translation: {words[:80]}" for line, words in found]


def templates() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*") if p.suffix in TEMPLATE_SUFFIXES)


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def messages(path: Path) -> dict:
    return {(e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(path))}


def translated_languages(root: Path = ROOT) -> list[str]:
    """settings.LANGUAGES but English, read without setting Django up."""
    settings = (root / "config" / "settings.py").read_text()
    listed = re.search(r"^LANGUAGES = (\[.*?\])$", settings, re.M | re.S).group(1)
    return [code for code in re.findall(r'\("([a-z-]+)"', listed) if code != "en"]


def makemessages(root: Path) -> None:
    """Django's makemessages for each translated language: each app's
    messages into <app>/locale, the rest (templates/, config/) into locale/."""
    languages = [f"--locale={code}" for code in translated_languages(root)]
    ignored = [f"--ignore={name}/*" for name in IGNORED]
    options = ["--no-location", "--no-obsolete", "--extension=html,txt,md,py"]
    command = [sys.executable, "manage.py", "makemessages", *languages, *options, *ignored]
    subprocess.run(command, cwd=root, check=True, capture_output=True)


def catalogue_findings() -> list[str]:
    """Catalogues that makemessages would change, and messages not translated."""
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "twofold"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, "*.mo", "*.sqlite3*", ".git"))
        makemessages(copy)
        for path in catalogues():
            fresh = copy / path.relative_to(ROOT)
            if messages(fresh) != messages(path):
                found.append(f"{path.relative_to(ROOT)}: out of date; run `make messages` and translate what is new")
        for fresh in catalogues(copy):
            if not (ROOT / fresh.relative_to(copy)).exists():
                found.append(f"{fresh.relative_to(copy)}: missing; run `make messages`")
    for path in catalogues():
        catalogue = polib.pofile(str(path))
        for entry in [*catalogue.untranslated_entries(), *catalogue.fuzzy_entries()]:
            found.append(f"{path.relative_to(ROOT)}: not translated: {entry.msgid[:80]!r}")
    return found


def main(argv: list[str]) -> int:
    if "--update" in argv:
        makemessages(ROOT)
        return 0
    checks = set(argv) or {"--templates", "--catalogues"}
    found = []
    if "--templates" in checks:
        found += [finding for path in templates() for finding in template_findings(path)]
    if "--catalogues" in checks:
        found += catalogue_findings()
    for finding in found:
        print(finding)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
