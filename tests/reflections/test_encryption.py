"""Answer text and joint notes at rest: ciphertext in the database, words
only through the app, and keys that rotate."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from core.encryption import PREFIX
from reflections.models import Answer, JointNote
from reflections.services import answer_save, note_save, readiness_set

from ..conftest import answer_all

SECRET = "Something only Alice should ever read"


def raw_texts(model):
    """What a database dump would show: the column as stored."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {model._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


def full_dump():
    """Every text-like value in every table, as the database stores it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            values += [str(v) for row in cursor.fetchall() for v in row]
    return "\n".join(values)


def test_answer_text_is_stored_encrypted(reflection, alice):
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)

    (stored,) = raw_texts(Answer)
    assert stored.startswith(PREFIX)
    assert SECRET not in stored
    assert Answer.objects.get().text == SECRET


def test_a_database_dump_contains_no_answer_or_note_text(reflection, alice, bob):
    answer_all(reflection, alice, text=SECRET)
    answer_all(reflection, bob)
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    note_save(reflection=reflection, user=alice, kind="remember", text=f"Note: {SECRET}", base_version=0)

    dump = full_dump()

    assert SECRET not in dump
    assert JointNote.objects.get().text == f"Note: {SECRET}"


def test_empty_answers_stay_empty_so_progress_can_be_counted(reflection, alice):
    answer_save(prompt=reflection.prompts.get(kind="text"), author=alice, passed=True)

    assert raw_texts(Answer) == [""]


def test_keys_rotate_without_losing_anything(settings, reflection, alice):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)
    new = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert Answer.objects.get().text == SECRET
    (stored,) = raw_texts(Answer)
    assert Fernet(new.encode()).decrypt(stored[len(PREFIX) :].encode()).decode() == SECRET


def test_text_is_unreadable_without_the_key(settings, reflection, alice):
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(InvalidToken):
        Answer.objects.get().text  # noqa: B018


def test_text_stored_before_encryption_is_read_and_then_encrypted(reflection, alice):
    answer = answer_save(prompt=reflection.prompts.first(), author=alice, text="placeholder")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Answer._meta.db_table} SET text = %s WHERE id = %s", ["legacy words", answer.pk])

    assert Answer.objects.get().text == "legacy words"
    call_command("rotate_encryption_keys", stdout=StringIO())
    assert raw_texts(Answer)[0].startswith(PREFIX)
