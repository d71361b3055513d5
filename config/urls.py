from django.contrib import admin
from django.urls import include, path

from config import health, webapp
from config.admin_login import admin_login

handler500 = "config.health.server_error"

# Staff reach the admin only through allauth's login (config/admin_login.py).
admin.site.login = admin_login

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    # reflections first: its "library/bring/" comes before the library's
    # "library/<slug>/".
    path("", include("reflections.urls")),
    path("", include("library.urls")),
    path("", include("checkins.urls")),
    path("", include("conversation.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("coach/", include("coaching.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
