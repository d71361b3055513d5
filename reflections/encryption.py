"""Partners' answers and joint notes are encrypted at rest with the app's
field keys, padded to fixed sizes (core/encryption.py)."""

import json
from dataclasses import dataclass

from django.db import models

from core.encryption import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted (joint notes). The empty string stays
    empty; any lookup on the text is meaningless, and nothing here makes one."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value


@dataclass(frozen=True)
class AnswerContent:
    """Everything a partner says in one answer."""

    text: str = ""
    scale_value: int | None = None
    passed: bool = False


class EncryptedAnswerField(models.TextField):
    """The whole answer, its text, scale value and pass alike, as one
    ciphertext: the table shows neither what was said nor which kind of
    answer it was. Only that there is an answer can be counted (P6)."""

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps([value.text, value.scale_value, value.passed]))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        text, scale_value, passed = json.loads(decrypt(value))
        return AnswerContent(text, scale_value, passed)

    def to_python(self, value):
        return value if value is None or isinstance(value, AnswerContent) else AnswerContent(**value)
