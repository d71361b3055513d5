import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
INVITATION_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITATION_CODE_LENGTH = 8


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person: logs in with an email address, shown by a display name."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    # What Twofold speaks to them in: every page, notice and email (one of
    # settings.LANGUAGES; the browser's at sign-up).
    language = models.CharField(max_length=8, default="en", db_default="en")
    # How many of their notices are unread, kept by notifications.services in
    # the transaction of every notice written or put away, so that home reads
    # notices only when there are some. An upper bound: a notice deleted with
    # its reflection is not taken off (notices_recount mends that).
    unread_notices = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.display_name or self.email.split("@")[0]


class CoupleQuerySet(models.QuerySet):
    def linked(self):
        return self.filter(ended_at__isnull=True)


class Couple(models.Model):
    """Two people who linked their accounts. Ended couples are kept so that
    each former partner can still read their own answers."""

    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CoupleQuerySet.as_manager()

    def __str__(self):
        return gettext("Couple #%(number)s") % {"number": self.pk}

    @property
    def is_linked(self):
        return self.ended_at is None

    def partner_of(self, user):
        """The other member, or None if `user` is not in this couple."""
        ids = [m.user_id for m in self.memberships.all()]
        if user.pk not in ids:
            return None
        return next(m.user for m in self.memberships.all() if m.user_id != user.pk)


class Membership(models.Model):
    """A user's place in a couple.

    P7: `active` mirrors the couple being linked, so that the database itself
    can refuse a second linked couple for the same user.
    """

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["couple", "user"], name="membership_once_per_couple"),
            models.UniqueConstraint(fields=["user"], condition=Q(active=True), name="one_linked_couple_per_user"),
        ]

    def __str__(self):
        return gettext("%(person)s in %(couple)s") % {"person": self.user, "couple": self.couple}


def new_invitation_token():
    return secrets.token_urlsafe(32)


def new_invitation_code():
    return "".join(secrets.choice(INVITATION_CODE_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring invitation to become someone's partner."""

    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    code = models.CharField(max_length=INVITATION_CODE_LENGTH, unique=True, default=new_invitation_code)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self):
        return gettext("Invitation from %(person)s") % {"person": self.inviter}

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.used_at is None and self.revoked_at is None and not self.is_expired

    @property
    def display_code(self):
        return f"{self.code[:4]}-{self.code[4:]}"


class CoachProfile(models.Model):
    """Makes an account a coach. Staff can grant or remove it (`active`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_profile")
    name = models.CharField(_("name shown to clients"), max_length=80)
    practice = models.CharField(max_length=120, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class CoachingLinkQuerySet(models.QuerySet):
    def active(self):
        """Both partners accepted, nobody ended it, the couple is still linked
        and the coach is still a coach."""
        return self.filter(
            started_at__isnull=False,
            ended_at__isnull=True,
            couple__ended_at__isnull=True,
            coach__coach_profile__active=True,
        )


class CoachingLink(models.Model):
    """A coach working with a couple. It starts as an invitation link; the
    coach sees nothing of the couple until both partners have accepted."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_links")
    couple = models.ForeignKey(Couple, null=True, blank=True, on_delete=models.CASCADE, related_name="coaching_links")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CoachingLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "couple"],
                condition=Q(ended_at__isnull=True, couple__isnull=False),
                name="one_open_coaching_link_per_couple",
            ),
        ]

    def __str__(self):
        return gettext("Coaching by %(coach)s") % {"coach": self.coach}

    @property
    def is_active(self):
        return self.started_at is not None and self.ended_at is None


class CoachingAcceptance(models.Model):
    """One partner's yes to a coaching link."""

    link = models.ForeignKey(CoachingLink, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "user"], name="one_acceptance_per_partner"),
        ]

    def __str__(self):
        return gettext("%(person)s accepted %(link)s") % {"person": self.user, "link": self.link}
