"""The database side of test_database_outage, run in a subprocess whose
DATABASE_URL names the test's own PostgreSQL cluster (the pytest process's
Django is bound to the test database):

    python -m tests.faults.outage_db seed     # a linked couple and a reflection
    python -m tests.faults.outage_db answers  # every answer, decrypted

Each prints one JSON object on stdout."""

import json
import os
import sys


def seed():
    from django.conf import settings

    from accounts.models import User
    from library.models import PromptKind
    from reflections.services import reflection_start
    from tests.conftest import link, make_article
    from tools.servers import session_cookie_for

    people = {}
    for name in ("Alice", "Bob"):
        people[name.lower()] = User.objects.create_user(
            f"{name.lower()}@outage.example.com", password=None, display_name=name
        )
    link(people["alice"], people["bob"])
    reflection = reflection_start(article=make_article(), by=people["alice"])
    return {
        "reflection": reflection.pk,
        "prompt": reflection.prompts.get(kind=PromptKind.TEXT).pk,
        "cookies": {name: session_cookie_for(user, settings.SECRET_KEY) for name, user in people.items()},
    }


def answers():
    from reflections.models import Answer

    return {
        "answers": [
            {"author": a.author.email.split("@")[0], "prompt": a.prompt_id, "text": a.text, "version": a.version}
            for a in Answer.objects.select_related("author").order_by("pk")
        ]
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps({"seed": seed, "answers": answers}[sys.argv[1]]()))
