def whole_number(raw: object) -> int | None:
    """A posted id or version as an int, or None: ASCII digits only (str.isdigit
    also accepts "²") and small enough for any database integer column."""
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
