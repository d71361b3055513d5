class DomainError(Exception):
    """A rule refused an action. The message is written to be shown to the user."""
