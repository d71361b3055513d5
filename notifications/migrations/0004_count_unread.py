"""Each person's count of unread notices (accounts.User.unread_notices),
counted once from the notices there are; notifications.services keeps it
from then on."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_unread(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.update(unread_notices=Coalesce(Subquery(unread), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_unread_notices"),
        ("notifications", "0003_replied"),
    ]

    operations = [migrations.RunPython(count_unread, migrations.RunPython.noop)]
