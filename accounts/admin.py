"""Staff keep accounts running. Nothing here shows answer text (P1)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import CoachingLink, CoachProfile, Couple, Invitation, Membership, User
from .services import coach_profile_end


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["user", "active"]
    can_delete = False


@admin.register(Couple)
class CoupleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "ended_at"]
    inlines = [MembershipInline]
    readonly_fields = ["created_at", "ended_at", "ended_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["inviter", "created_at", "expires_at", "used_at", "revoked_at"]
    # The token and code would let staff accept on someone's behalf.
    readonly_fields = ["inviter", "created_at", "used_at", "used_by"]
    exclude = ["token", "code"]


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
class CoachingLinkAdmin(admin.ModelAdmin):
    list_display = ["coach", "couple", "created_at", "started_at", "ended_at"]
    readonly_fields = ["coach", "couple", "created_at", "expires_at", "started_at", "ended_at", "ended_by"]
    exclude = ["token"]
