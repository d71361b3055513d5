"""Load Twofold's own library (content/) into the database. Safe to run
again: guides follow their files; started reflections keep their prompts."""

from django.core.management.base import BaseCommand, CommandError

from library.content import ContentError, library_load


class Command(BaseCommand):
    help = "Load the guides, themes and question bank from content/."

    def handle(self, *args, **options):
        try:
            loaded = library_load()
        except ContentError as error:
            raise CommandError(f"The library was not loaded: {error}") from None
        self.stdout.write(
            f"Library: {loaded.guides} guides, {loaded.themes} themes, {loaded.questions} questions in the bank."
        )
