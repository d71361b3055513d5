"""Key rotation for everything stored encrypted (answers, joint notes,
replies: every field of encryption.py's kinds, in whichever app): every row
rewritten with the first of FIELD_ENCRYPTION_KEYS, while the app keeps
running.

A row is read, then rewritten only if the column its model names in
`ENCRYPTION_GUARD` (one that every save of the encrypted value changes) is
still what was read (a conditional update). A save made in between has
already written its new words with the first key; rewriting the old words
over them would undo it."""

from collections.abc import Iterable, Iterator

from django.apps import apps
from django.db import models

from .encryption import EncryptedAnswerField, EncryptedTextField

Row = tuple[int, object, object]  # pk, the guard column's value, the decrypted value


def encrypted_models() -> dict[type[models.Model], str]:
    """Each installed model with an encrypted field, and that field's name."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField | EncryptedAnswerField):
                found[model] = field.name
    return found


def rows_of(model: type[models.Model]) -> Iterator[Row]:
    """Every row's pk, guard and decrypted value, in batches."""
    columns = ("pk", model.ENCRYPTION_GUARD, encrypted_models()[model])
    return model.objects.order_by("pk").values_list(*columns).iterator(chunk_size=500)


def rewrite(model: type[models.Model], rows: Iterable[Row]) -> int:
    """Write each of `rows` back (the field encrypts with the first key)
    unless it changed since it was read; returns how many were rewritten."""
    field, guard = encrypted_models()[model], model.ENCRYPTION_GUARD
    return sum(model.objects.filter(pk=pk, **{guard: seen}).update(**{field: value}) for pk, seen, value in rows)
