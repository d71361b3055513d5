"""Code that runs in the fault tests' worker processes. Nothing here imports
Django at module level: a spawned child sets up Django itself, on the test
database the parent names."""

import os
import threading
import traceback


def django_setup(database_url, field_keys):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["FIELD_ENCRYPTION_KEYS"] = ",".join(field_keys)
    import django

    django.setup()


def press_ready(database_url, field_keys, side, barrier, jobs, results):
    """For each (reflection pk, user pk) in `jobs`: wait at `barrier` for the
    process pressing for the partner, then press "ready". Puts (side, number
    pressed, errors) on `results`; errors are strings, as exceptions from a
    child may not pickle."""
    pressed, errors = 0, []
    try:
        django_setup(database_url, field_keys)
        from accounts.models import User
        from reflections.models import Reflection
        from reflections.services import readiness_set

        for reflection_pk, user_pk in jobs:
            reflection = Reflection.objects.get(pk=reflection_pk)
            user = User.objects.get(pk=user_pk)
            barrier.wait(timeout=120)
            try:
                readiness_set(reflection=reflection, user=user)
                pressed += 1
            except Exception:
                errors.append(f"reflection {reflection_pk}, user {user_pk}:\n{traceback.format_exc()}")
    except threading.BrokenBarrierError:
        errors.append(f"side {side}: the partner process stopped waiting:\n{traceback.format_exc()}")
    except Exception:
        errors.append(f"side {side}:\n{traceback.format_exc()}")
        barrier.abort()
    results.put((side, pressed, errors))
