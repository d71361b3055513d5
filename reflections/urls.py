from django.urls import path

from . import exports, together_views, views

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
    path("reflections/<int:pk>/together/", together_views.together, name="together_start"),
    path("reflections/<int:pk>/together/<int:number>/", together_views.together, name="together"),
    path("reflections/<int:pk>/together/<int:number>/talked/", together_views.talked, name="together_talked"),
    path("reflections/<int:pk>/notes/", together_views.notes_save, name="notes_save"),
    path("reflections/<int:pk>/export.md", exports.reflection_markdown, name="export_reflection"),
    path("history/", together_views.history, name="history"),
    path("account/export/answers.md", exports.mine_markdown, name="export_mine_markdown"),
    path("account/export/answers.json", exports.mine_json, name="export_mine_json"),
]
