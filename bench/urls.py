"""The bench's URLs (bench/settings.py): production's, plus the ceiling."""

from django.urls import include, path

from bench import views

# Django reads the error handlers from ROOT_URLCONF only, so the bench's
# error pages are production's only if they are named here too.
handler500 = "config.health.server_error"

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="ceiling"),
    path("", include("config.urls")),
]
