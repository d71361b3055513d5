"""Answers and joint notes at rest: ciphertext in the database, padded so
that its length tells nothing, words only through the app, and keys that
rotate without undoing a save (audit findings 7 and 8)."""

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from conversation.models import JointNote, Reply
from conversation.services import note_save, reply_create, reply_edit
from core.encryption import BUCKETS, LEGACY_PREFIX, PREFIX, decrypt, encrypt, padded, unpadded
from reflections.models import Answer
from reflections.rotation import rewrite, rows_of
from reflections.services import answer_save, readiness_set

from ..conftest import answer_all, make_article

SECRET = "Something only Alice should ever read"


def raw_column(model, column):
    """What a database dump would show: the column as stored."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def full_dump():
    """Every text-like value in every table, as the database stores it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            values += [str(v) for row in cursor.fetchall() for v in row]
    return "\n".join(values)


def open_with(key, stored):
    """`stored` decrypted with `key` alone, padding removed."""
    return unpadded(Fernet(key.encode()).decrypt(stored[len(PREFIX) :].encode())).decode()


@pytest.fixture
def every_kind(couple, alice):
    """A reflection with a prompt of each kind, short and long choices."""
    from reflections.services import reflection_start

    article = make_article(
        prompts=[
            {"kind": "text", "text": "Say something"},
            {"kind": "scale", "text": "Low", "scale_min_label": "a", "scale_max_label": "b"},
            {"kind": "scale", "text": "High", "scale_min_label": "a", "scale_max_label": "b"},
            {"kind": "choice", "text": "Short", "choices": ["Tea", "Coffee"]},
            {"kind": "choice", "text": "Long", "choices": ["A", "A much longer option than the other one"]},
            {"kind": "text", "text": "Pass this"},
        ]
    )
    return reflection_start(article=article, by=alice)


def answer_every_kind(reflection, author):
    text, low, high, short, long, skipped = reflection.prompts.all()
    answer_save(prompt=text, author=author, text="Hi")
    answer_save(prompt=low, author=author, scale_value=3)
    answer_save(prompt=high, author=author, scale_value=10)
    answer_save(prompt=short, author=author, text="Tea")
    answer_save(prompt=long, author=author, text="A much longer option than the other one")
    answer_save(prompt=skipped, author=author, passed=True)


# What the tables hold


def test_answer_is_stored_encrypted(reflection, alice):
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)

    (stored,) = raw_column(Answer, "content")
    assert stored.startswith(PREFIX)
    assert SECRET not in stored
    assert Answer.objects.get().text == SECRET


def test_no_column_of_the_answer_table_holds_what_was_answered(db):
    """Text, scale value and pass live only in the one encrypted column; the
    rest is who, to what, when, which version, and the language its author
    reads Twofold in (the account's, which says nothing of the answer)."""
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Answer._meta.db_table)}

    assert columns == {"id", "prompt_id", "author_id", "content", "updated_at", "version", "language"}


def test_scale_choice_pass_and_short_text_answers_all_look_alike(every_kind, alice):
    answer_every_kind(every_kind, alice)

    stored = raw_column(Answer, "content")

    assert len(stored) == 6
    assert len({len(value) for value in stored}) == 1, "the ciphertext's length gives the answer away"
    assert [json.loads(decrypt(value)) for value in stored] == [
        ["Hi", None, False],
        ["", 3, False],
        ["", 10, False],
        ["Tea", None, False],
        ["A much longer option than the other one", None, False],
        ["", None, True],
    ]


def test_a_database_dump_contains_no_answer_or_note_text(reflection, alice, bob):
    answer_all(reflection, alice, text=SECRET)
    answer_all(reflection, bob)
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    note_save(reflection=reflection, user=alice, kind="remember", text=f"Note: {SECRET}", base_version=0)

    dump = full_dump()

    assert SECRET not in dump
    assert JointNote.objects.get().text == f"Note: {SECRET}"


def test_progress_is_still_counted_without_reading_anything(every_kind, alice, bob):
    answer_every_kind(every_kind, alice)
    answer_save(prompt=every_kind.prompts.first(), author=bob, text="Only one")

    counts = dict(every_kind.participants.values_list("user", "answered"))
    assert counts == {alice.pk: 6, bob.pk: 1}


# Padding


@pytest.mark.parametrize("size", [0, 1, 251, 252, 253, 1020, 1021, 40_000, 65_532, 65_533, 200_000])
def test_padding_rounds_up_to_a_bucket_and_comes_off_again(size):
    data = "é".encode() * (size // 2) + b"x" * (size % 2)

    sealed = padded(data)

    assert unpadded(sealed) == data
    assert len(sealed) in BUCKETS or len(sealed) % BUCKETS[-1] == 0
    assert len(sealed) >= len(data) + 4


def test_ciphertexts_of_one_bucket_have_one_length():
    assert len({len(encrypt("x" * n)) for n in (0, 1, 10, 100, 252)}) == 1
    assert len(encrypt("x" * 253)) > len(encrypt("x" * 252))


# Keys


def test_keys_rotate_without_losing_anything(settings, reflection, alice, bob):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)
    new = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert Answer.objects.get().text == SECRET
    (stored,) = raw_column(Answer, "content")
    assert json.loads(open_with(new, stored)) == [SECRET, None, False]


def test_text_is_unreadable_without_the_key(settings, reflection, alice):
    answer_save(prompt=reflection.prompts.first(), author=alice, text=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(InvalidToken):
        Answer.objects.get().text  # noqa: B018


def test_a_save_during_the_rotation_keeps_the_new_words(settings, reflection, alice):
    """The rotation reads a row, then a save lands, then the rotation writes
    what it read: the save must win (audit finding 8)."""
    prompt = reflection.prompts.get(kind="text")
    answer_save(prompt=prompt, author=alice, text="Old words")
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    read_by_the_rotation = list(rows_of(Answer))
    answer_save(prompt=prompt, author=alice, text="New words")
    rewritten = rewrite(Answer, read_by_the_rotation)

    assert rewritten == 0
    assert Answer.objects.get().text == "New words"
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Answer.objects.get().text == "New words", "the save was written with the new key"


def test_a_note_saved_during_the_rotation_keeps_the_new_words(settings, reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    note = note_save(reflection=reflection, user=alice, kind="remember", text="Old note", base_version=0)

    read_by_the_rotation = list(rows_of(JointNote))
    note_save(reflection=reflection, user=bob, kind="remember", text="New note", base_version=note.version)
    rewrite(JointNote, read_by_the_rotation)

    assert JointNote.objects.get().text == "New note"


def revealed_with_a_reply(reflection, alice, bob, text):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    return reply_create(prompt=reflection.prompts.first(), user=alice, text=text)


def test_replies_rotate_with_the_answers_and_notes(settings, reflection, alice, bob):
    """Every model with an encrypted field is rotated, replies too: after the
    old key is gone, nothing written under it is lost."""
    revealed_with_a_reply(reflection, alice, bob, SECRET)
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert "replies: 1 re-encrypted" in out.getvalue()
    assert Reply.objects.get().text == SECRET
    (stored,) = raw_column(Reply, "text")
    assert open_with(new, stored) == SECRET


def test_a_reply_edited_during_the_rotation_keeps_the_new_words(settings, reflection, alice, bob):
    reply = revealed_with_a_reply(reflection, alice, bob, "Old reply")

    read_by_the_rotation = list(rows_of(Reply))
    reply_edit(reply=reply, user=alice, text="New reply")
    rewritten = rewrite(Reply, read_by_the_rotation)

    assert rewritten == 0
    assert Reply.objects.get().text == "New reply"


# Values written before: plain text, unpadded ciphertext


def test_a_note_stored_before_encryption_is_read_and_then_encrypted(reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    for person in (alice, bob):
        readiness_set(reflection=reflection, user=person)
    note = note_save(reflection=reflection, user=alice, kind="remember", text="placeholder", base_version=0)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {JointNote._meta.db_table} SET text = %s WHERE id = %s", ["legacy words", note.pk])

    assert JointNote.objects.get().text == "legacy words"
    call_command("rotate_encryption_keys", stdout=StringIO())
    assert raw_column(JointNote, "text")[0].startswith(PREFIX)
    assert JointNote.objects.get().text == "legacy words"


def test_unpadded_ciphertext_is_read_and_then_padded(settings, reflection, alice):
    answer = answer_save(prompt=reflection.prompts.first(), author=alice, text="placeholder")
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    unpadded_value = LEGACY_PREFIX + Fernet(key.encode()).encrypt(b'["earlier words", null, false]').decode()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Answer._meta.db_table} SET content = %s WHERE id = %s", [unpadded_value, answer.pk])

    assert Answer.objects.get().text == "earlier words"
    call_command("rotate_encryption_keys", stdout=StringIO())
    (stored,) = raw_column(Answer, "content")
    assert stored.startswith(PREFIX)
    assert json.loads(open_with(key, stored)) == ["earlier words", None, False]
