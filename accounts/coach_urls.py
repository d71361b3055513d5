from django.urls import path

from . import coach_views

urlpatterns = [
    path("profile/", coach_views.coach_profile, name="coach_profile"),
    path("clients/", coach_views.clients, name="coach_clients"),
    path("clients/invite/", coach_views.coaching_invite, name="coaching_invite"),
    path("links/<int:pk>/end/", coach_views.coaching_stop, name="coaching_end"),
    path("join/<slug:token>/", coach_views.coaching_accept_view, name="coaching_accept"),
]
