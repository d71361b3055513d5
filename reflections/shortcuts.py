"""The access helper every reflection view starts from."""

from django.http import Http404

from accounts.models import User

from .access import Role, Stage
from .selectors import Opened, opened_by


def reflection_or_404(
    viewer: User, pk: int, *, role: Role = Role.PARTNER, stage: Stage | None = None, for_page: bool = True
) -> Opened:
    """Reflection `pk`, opened as its pages show it (selectors.opened_by),
    when `viewer` may open it in `role` (and it is in `stage`, if given);
    404 for anyone else, so nobody learns what exists."""
    opened = opened_by(viewer, pk, for_page=for_page)
    if opened is None or opened.access.role != role or (stage is not None and opened.access.stage != stage):
        raise Http404("No such reflection.")
    return opened
