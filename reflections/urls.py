from django.urls import path

from . import bring_views, streams, views

app_name = "reflections"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/", streams.home_events, name="home_events"),
    # Before the library's article pages, whose slug would take "bring".
    path("library/bring/", bring_views.article_bring, name="article_bring"),
    path("library/<slug:slug>/start/", views.reflection_start, name="reflection_start"),
    path("reflections/<int:pk>/", views.reflection, name="reflection"),
    path("reflections/<int:pk>/status/", views.live_status, name="live_status"),
    path("reflections/<int:pk>/events/", streams.reflection_events, name="reflection_events"),
    path("reflections/<int:pk>/answers/", views.answers_save, name="answers_save"),
    path("reflections/<int:pk>/ready/", views.readiness_set, name="readiness_set"),
    path("reflections/<int:pk>/withdraw/", views.readiness_withdraw, name="readiness_withdraw"),
    path("reflections/<int:pk>/share/", views.reflection_share, name="reflection_share"),
    path("reflections/<int:pk>/unshare/", views.reflection_unshare, name="reflection_unshare"),
    path("history/", views.history, name="history"),
]
