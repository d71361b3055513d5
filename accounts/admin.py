"""Staff keep accounts running. Nothing here shows answer text (P1), and
nothing lets staff sign in as someone else, which would show it: staff
never set a password, change an address, or see a two-factor secret or a
session (audit finding 3)."""

# allauth registers its admins when the admin site discovers the apps,
# after this module; importing them here registers them first, so that
# they can be taken back below.
import allauth.account.admin  # noqa: F401
import allauth.mfa.admin  # noqa: F401
import allauth.usersessions.admin  # noqa: F401
from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CoachingLink, CoachProfile, Couple, Invitation, Membership, User
from .services import account_delete, coach_profile_end

# An address staff could edit would take the password reset (and so the
# account) with it; a session key is a signed-in browser; allauth's
# authenticator admin shows and edits the secret (ours is below).
admin.site.unregister([EmailAddress, UserSession, Authenticator])


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff deactivate an account (untick active) or send the person a
    password reset link at their own address. People sign up themselves, so
    staff add nobody: an account made here would come with a password staff
    chose. Django's UserAdmin is kept for what it refuses (no lookups on
    the password hash) without its password form."""

    form = forms.ModelForm  # Django's UserChangeForm links to the password form
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Profile"), {"fields": ["display_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["email", "last_login", "date_joined"]
    actions = ["send_password_reset"]

    def has_add_permission(self, request):
        return False

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    # Deleting goes through the service, as the person's own deletion does:
    # the couple is unlinked first and the partner keeps their answers.
    def delete_model(self, request, obj):
        account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user)

    @admin.action(description=_("Send a password reset link"), permissions=["change"])
    def send_password_reset(self, request, queryset):
        """allauth's own reset email, to the address the person signed up
        with; the link is in the email only, never shown here."""
        sent = 0
        for user in queryset.filter(is_active=True):
            form = ResetPasswordForm(data={"email": user.email})
            if form.is_valid():
                form.save(request)
                sent += 1
        message = ngettext(
            "Sent a password reset link to %(count)s person.", "Sent a password reset link to %(count)s people.", sent
        ) % {"count": sent}
        if skipped := queryset.filter(is_active=False).count():
            none_for = ngettext(
                "%(count)s deactivated account got none.", "%(count)s deactivated accounts got none.", skipped
            ) % {"count": skipped}
            message = f"{message} {none_for}"
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Whether someone uses two-factor sign-in, and since when: never the
    secret (allauth's own admin shows and edits it), never a change."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotAddedHere:
    """Couples, invitations and coaching links come only from the people in
    them: one staff made up could link two people without their yes."""

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(NotAddedHere, admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["user", "active"]
    can_delete = False


@admin.register(Couple)
class CoupleAdmin(NotAddedHere, admin.ModelAdmin):
    list_display = ["__str__", "created_at", "ended_at"]
    inlines = [MembershipInline]
    readonly_fields = ["created_at", "ended_at", "ended_by"]


@admin.register(Invitation)
class InvitationAdmin(NotAddedHere, admin.ModelAdmin):
    """Read only: an invitation's dates are what make it single-use and
    short-lived (P7), and staff who could move them would revive a revoked
    or expired one."""

    list_display = ["inviter", "created_at", "expires_at", "used_at", "revoked_at"]
    # The token and code would let staff accept on someone's behalf.
    exclude = ["token", "code"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoachProfile)
class CoachProfileAdmin(admin.ModelAdmin):
    """Staff grant a coach profile (add) or remove it (untick active, or
    delete). Removing ends every coaching link of the coach (P5)."""

    list_display = ["name", "user", "practice", "active", "created_at"]
    list_filter = ["active"]
    list_editable = ["active"]
    search_fields = ["name", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.active:
            coach_profile_end(profile=obj)

    def delete_model(self, request, obj):
        coach_profile_end(profile=obj, delete=True)

    def delete_queryset(self, request, queryset):
        for profile in queryset:
            coach_profile_end(profile=profile, delete=True)


@admin.register(CoachingLink)
class CoachingLinkAdmin(NotAddedHere, admin.ModelAdmin):
    list_display = ["coach", "couple", "created_at", "started_at", "ended_at"]
    readonly_fields = ["coach", "couple", "created_at", "expires_at", "started_at", "ended_at", "ended_by"]
    exclude = ["token"]
