from django.contrib import admin
from django.urls import include, path

from config import health
from reflections import views as reflection_views

handler500 = "config.health.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", reflection_views.home, name="home"),
    path("", include("reflections.urls")),
    path("partner/", include("accounts.urls")),
    path("account/", include("accounts.account_urls")),
    path("", include("notifications.urls")),
    path("coach/", include("reflections.coach_urls")),
    path("coach/", include("accounts.coach_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
