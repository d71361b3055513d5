from django.urls import path

from . import coach_views

urlpatterns = [
    path("", coach_views.dashboard, name="coach_dashboard"),
    path("articles/", coach_views.articles, name="coach_articles"),
    path("articles/new/", coach_views.article_new, name="coach_article_new"),
    path("articles/<int:pk>/", coach_views.article_edit, name="coach_article"),
    path("articles/<int:pk>/delete/", coach_views.article_remove, name="coach_article_delete"),
    path("articles/<int:pk>/preview/", coach_views.article_preview, name="coach_article_preview"),
    path("articles/<int:pk>/questions/", coach_views.prompt_new, name="coach_prompt_new"),
    path("questions/<int:pk>/", coach_views.prompt_edit, name="coach_prompt"),
    path("questions/<int:pk>/delete/", coach_views.prompt_remove, name="coach_prompt_delete"),
    path("questions/<int:pk>/move/", coach_views.prompt_reorder, name="coach_prompt_move"),
    path("assign/", coach_views.assign, name="coach_assign"),
    path("reflections/<int:pk>/", coach_views.shared_reflection, name="coach_reflection"),
]
