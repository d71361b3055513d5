"""The access helper every reflection view starts from."""

from django.http import Http404

from accounts.models import User

from .access import Role, Stage, access_to
from .models import Reflection
from .selectors import reflection_with_partners


def reflection_or_404(viewer: User, pk: int, *, role: Role = Role.PARTNER, stage: Stage | None = None) -> Reflection:
    """Reflection `pk`, loaded as its pages show it, when `viewer` may open
    it in `role` (and it is in `stage`, if given); 404 for anyone else, so
    nobody learns what exists."""
    reflection = reflection_with_partners(pk)
    access = access_to(reflection, viewer) if reflection is not None else None
    if access is None or access.role != role or (stage is not None and access.stage != stage):
        raise Http404("No such reflection.")
    return reflection
