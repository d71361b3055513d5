from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/<slug:slug>/", views.article_detail, name="article"),
    path("library/<slug:slug>/start/", views.reflection_new, name="reflection_start"),
    path("reflections/<int:pk>/", views.reflection_detail, name="reflection"),
    path("reflections/<int:pk>/status/", views.live_status, name="reflection_live_status"),
    path("reflections/<int:pk>/answers/", views.answers_save, name="answers_save"),
    path("reflections/<int:pk>/ready/", views.ready, name="ready"),
    path("reflections/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("reflections/<int:pk>/share/", views.share, name="reflection_share"),
]
