"""Key rotation for answers and joint notes: every row rewritten with the
first of FIELD_ENCRYPTION_KEYS, while the app keeps running.

A row is read, then rewritten only if its version is still the one read (a
conditional update). A save made in between has already written its new
words with the first key; rewriting the old words over them would undo it."""

from collections.abc import Iterable, Iterator

from django.db import models

from .models import Answer, JointNote

# Each model with the field it keeps encrypted.
ENCRYPTED = {Answer: "content", JointNote: "text"}

Row = tuple[int, int, object]  # pk, version, the decrypted value


def rows_of(model: type[models.Model]) -> Iterator[Row]:
    """Every row's pk, version and decrypted value, in batches."""
    return model.objects.order_by("pk").values_list("pk", "version", ENCRYPTED[model]).iterator(chunk_size=500)


def rewrite(model: type[models.Model], rows: Iterable[Row]) -> int:
    """Write each of `rows` back (the field encrypts with the first key)
    unless it changed since it was read; returns how many were rewritten."""
    field = ENCRYPTED[model]
    return sum(model.objects.filter(pk=pk, version=version).update(**{field: value}) for pk, version, value in rows)
