"""Home and History: a person's reflections as lists, each page built by one
function from a fixed number of queries that load only the rows it shows.
Home lists what needs attention (every reflection still waiting for
someone) and the few latest finished ones; History pages through the rest."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Couple, User
from accounts.selectors import linked_partner_for
from library.catalogue import next_guide_for
from library.models import Article

from .access import Stage
from .selectors import STILL_OPEN, ReflectionStatus, finished_for, statuses_of

HOME_FINISHED = 3  # the latest finished reflections home shows; History has them all
HISTORY_PER_PAGE = 20


@dataclass(frozen=True)
class HomePage:
    couple: Couple | None
    partner: User | None
    waiting_for_you: list[ReflectionStatus]
    waiting_for_partner: list[ReflectionStatus]
    revealed: list[ReflectionStatus]
    archived: list[ReflectionStatus]
    more_in_history: bool
    suggestion: Article | None

    @property
    def groups(self) -> list[tuple[str, list[ReflectionStatus]]]:
        return [
            (_("Waiting for you"), self.waiting_for_you),
            (_("Waiting for your partner"), self.waiting_for_partner),
            (_("Recently revealed"), self.revealed),
            (_("Archived"), self.archived),
        ]

    @property
    def has_reflections(self) -> bool:
        return any(statuses for _heading, statuses in self.groups)


def home_page(user: User) -> HomePage:
    linked = linked_partner_for(user)
    # Every open reflection, and one finished more than shown (which says
    # whether History holds more, without counting), in one query.
    latest_finished = finished_for(user)[: HOME_FINISHED + 1].values("pk")
    statuses = statuses_of(user, where=STILL_OPEN | Q(reflection__in=latest_finished))
    waiting = [s for s in statuses if s.stage == Stage.OPEN]
    finished = [s for s in statuses if s.stage != Stage.OPEN]
    return HomePage(
        couple=linked.couple if linked else None,
        partner=linked.partner if linked else None,
        waiting_for_you=[s for s in waiting if s.state == "yours"],
        waiting_for_partner=[s for s in waiting if s.state == "partner"],
        revealed=[s for s in finished[:HOME_FINISHED] if s.state == "revealed"],
        archived=[s for s in finished[:HOME_FINISHED] if s.state == "archived"],
        more_in_history=len(finished) > HOME_FINISHED,
        suggestion=next_guide_for(linked.couple if linked else None),
    )


@dataclass(frozen=True)
class HistoryPage:
    statuses: list[ReflectionStatus]  # newest first
    number: int
    has_older: bool

    @property
    def has_newer(self) -> bool:
        return self.number > 1


def history_page(user: User, number: int) -> HistoryPage:
    """Page `number` (from 1) of the finished reflections `user` took part
    in: revealed, or closed by an unlink (their own answers stay theirs).
    One row more than the page says whether there are older ones."""
    start = (number - 1) * HISTORY_PER_PAGE
    statuses = statuses_of(user, finished_for(user)[start : start + HISTORY_PER_PAGE + 1])
    return HistoryPage(statuses[:HISTORY_PER_PAGE], number, has_older=len(statuses) > HISTORY_PER_PAGE)
