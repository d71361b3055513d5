"""Who hears that a reflection changed: the rule for the open pages of its
partners (core.live carries the message). P6: the message says that the
status changed, never what was answered."""

from collections.abc import Iterable

from core import live


def progress_changed(reflection_id: int, participants: Iterable, *, author_id: int) -> None:
    """`author_id` answered one more or one fewer prompt: only the partner's
    pages show that count (mine show it in the progress bar, which my own
    save refreshes)."""
    partners = [p.user_id for p in participants if p.user_id != author_id]
    live.changed(live.STATUS, partners, reflection_id=reflection_id)


def everyone_changed(reflection_id: int, participants: Iterable) -> None:
    """Readiness or the reveal: both partners' pages change."""
    live.changed(live.STATUS, [p.user_id for p in participants], reflection_id=reflection_id)


def conversation_changed(reflection, *, author_id: int) -> None:
    """A reply, a reaction, a talked mark or a joint note changed in
    `reflection` (from locked_reflection): the partner's open pages fetch
    the conversation again; the author's show it from their own answer."""
    partners = [p.user_id for p in reflection.participants.all() if p.user_id != author_id]
    live.changed(live.CONVERSATION, partners, reflection_id=reflection.pk)
