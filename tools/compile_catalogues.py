"""Compile message catalogues (.po) into what gettext reads (.mo), in pure
Python (polib), so a fresh machine needs no GNU gettext. The Makefile runs
it for each catalogue newer than its .mo; the .mo files are never
committed, so they cannot drift from the .po files.

    python tools/compile_catalogues.py [locale/es/LC_MESSAGES/django.po ...]

Without arguments it compiles every catalogue of the project (a deploy does
that, as it runs collectstatic).
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_catalogue(path: Path) -> Path:
    compiled = path.with_suffix(".mo")
    # Fuzzy entries are guesses awaiting review: gettext never serves them.
    catalogue = polib.pofile(str(path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    catalogue.save_as_mofile(str(compiled))
    return compiled


def every_catalogue() -> list[Path]:
    found = [*ROOT.glob("**/locale/*/LC_MESSAGES/django.po"), *ROOT.glob("rewordings/*/LC_MESSAGES/django.po")]
    return sorted(p for p in found if ".venv" not in p.parts)


if __name__ == "__main__":
    for path in [Path(name) for name in sys.argv[1:]] or every_catalogue():
        print(f"compiled {compile_catalogue(path)}")
