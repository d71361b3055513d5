"""Staff can see that notices exist and whether they were emailed. They hold
names and reflections, never text (P1)."""

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "reflection", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    readonly_fields = ["user", "kind", "reflection", "actor", "created_at", "read_at", "emailed_at"]

    def has_add_permission(self, request):
        return False
