"""Coaches for the bench: the coach's dashboard is a key page of the coach's
side, so the dataset holds coaches with client couples, some of their
reflections assigned by the coach and some revealed ones shared with them.
Added beside the couples' dataset (bench/seed.py), once, from the couples
there are; the same couples every time (a seeded choice)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import CoachingAcceptance, CoachingLink, CoachProfile, Couple, Membership, User
from reflections.models import Reflection, ShareConsent

from .seed import EMAIL_DOMAIN, PASSWORD

COACHES = 20
CLIENTS_EACH = 15  # couples a coach works with: a small practice's list
ASSIGNED_SHARE = 0.5  # of a client couple's reflections, assigned by the coach
SHARED_SHARE = 0.5  # of their revealed ones, shared with the coach by both


def coach_email(n: int) -> str:
    return f"coach-{n:03d}@{EMAIL_DOMAIN}"


def ensure_coaches(*, count=COACHES, clients_each=CLIENTS_EACH, out=print, seed=20261206) -> list[User]:
    """The bench's coaches, made now if they are not there yet."""
    coaches = list(User.objects.filter(email__in=[coach_email(n) for n in range(count)]).order_by("email"))
    if len(coaches) == count:
        return coaches
    rng = random.Random(seed)
    now = timezone.now()
    couples = list(
        Couple.objects.linked()
        .filter(memberships__user__email__endswith="@" + EMAIL_DOMAIN, coaching_links__isnull=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(couples, count * clients_each)
    with transaction.atomic():
        coaches = [
            User.objects.create_user(email=coach_email(n), password=PASSWORD, display_name=f"Coach {n}")
            for n in range(count)
        ]
        CoachProfile.objects.bulk_create(CoachProfile(user=c, name=f"Coach {n}") for n, c in enumerate(coaches))
        links = CoachingLink.objects.bulk_create(
            CoachingLink(
                coach=coaches[i // clients_each],
                couple_id=couple_id,
                expires_at=now + timedelta(days=7),
                started_at=now - timedelta(days=30),
            )
            for i, couple_id in enumerate(chosen)
        )
        partners = {}
        members = Membership.objects.filter(couple_id__in=chosen, active=True)
        for couple_id, user_id in members.values_list("couple_id", "user_id"):
            partners.setdefault(couple_id, []).append(user_id)
        CoachingAcceptance.objects.bulk_create(
            CoachingAcceptance(link=link, user_id=user_id) for link in links for user_id in partners[link.couple_id]
        )
        consents = []
        for link in links:
            theirs = list(Reflection.objects.filter(couple_id=link.couple_id).order_by("pk"))
            assigned = [r.pk for r in theirs if rng.random() < ASSIGNED_SHARE]
            Reflection.objects.filter(pk__in=assigned).update(assigned_by=link.coach_id)
            for reflection in theirs:
                if reflection.revealed_at and rng.random() < SHARED_SHARE:
                    consents += [
                        ShareConsent(reflection=reflection, user_id=u, link=link) for u in partners[link.couple_id]
                    ]
        ShareConsent.objects.bulk_create(consents)
    out(f"Added {count} coaches with {clients_each} client couples each.")
    return coaches
