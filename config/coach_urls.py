"""The coach workspace, in one place: coaching links (accounts) and the
coach's articles, assignments and shared reflections (reflections)."""

from django.urls import path

from accounts import coach_views as coaching
from reflections import coach_views as authoring

app_name = "coach"
urlpatterns = [
    path("", authoring.dashboard, name="dashboard"),
    path("profile/", coaching.coach_profile, name="profile"),
    path("clients/", coaching.clients, name="clients"),
    path("clients/invite/", coaching.coaching_invite_create, name="coaching_invite_create"),
    path("links/<int:pk>/end/", coaching.coaching_end, name="coaching_end"),
    path("join/<slug:token>/", coaching.coaching_accept, name="coaching_accept"),
    path("articles/", authoring.articles, name="articles"),
    path("articles/new/", authoring.article_new, name="article_new"),
    path("articles/<int:pk>/", authoring.article_edit, name="article"),
    path("articles/<int:pk>/delete/", authoring.article_delete, name="article_delete"),
    path("articles/<int:pk>/preview/", authoring.article_preview, name="article_preview"),
    path("articles/<int:pk>/questions/", authoring.prompt_new, name="prompt_new"),
    path("articles/<int:pk>/questions/from-bank/", authoring.prompts_from_bank, name="prompts_from_bank"),
    path("questions/<int:pk>/", authoring.prompt_edit, name="prompt"),
    path("questions/<int:pk>/delete/", authoring.prompt_delete, name="prompt_delete"),
    path("questions/<int:pk>/move/", authoring.prompt_move, name="prompt_move"),
    path("assign/", authoring.assignment_create, name="assignment_create"),
    path("reflections/<int:pk>/", authoring.shared_reflection, name="shared_reflection"),
]
