"""The coach's workspace: the coach's profile and client couples
(client_views), their articles, assignments and the reflections couples
share with them (views), and check-ins (checkin_views)."""

from django.urls import path

from . import checkin_views, client_views, views

app_name = "coach"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", client_views.coach_profile, name="profile"),
    path("clients/", client_views.clients, name="clients"),
    path("clients/invite/", client_views.coaching_invite_create, name="coaching_invite_create"),
    path("links/<int:pk>/end/", client_views.coaching_end, name="coaching_end"),
    path("join/<slug:token>/", client_views.coaching_accept, name="coaching_accept"),
    path("articles/", views.articles, name="articles"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:pk>/", views.article_edit, name="article"),
    path("articles/<int:pk>/delete/", views.article_delete, name="article_delete"),
    path("articles/<int:pk>/preview/", views.article_preview, name="article_preview"),
    path("articles/<int:pk>/questions/", views.prompt_new, name="prompt_new"),
    path("articles/<int:pk>/questions/from-bank/", views.prompts_from_bank, name="prompts_from_bank"),
    path("questions/<int:pk>/", views.prompt_edit, name="prompt"),
    path("questions/<int:pk>/delete/", views.prompt_delete, name="prompt_delete"),
    path("questions/<int:pk>/move/", views.prompt_move, name="prompt_move"),
    path("assign/", views.assignment_create, name="assignment_create"),
    path("reflections/<int:pk>/", views.shared_reflection, name="shared_reflection"),
    path("checkins/new/", checkin_views.checkin_propose, name="checkin_propose"),
    path("checkins/<int:pk>/trend/", checkin_views.checkin_trend, name="checkin_trend"),
]
