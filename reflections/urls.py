from django.urls import path

from . import bring_views, conversation_views, exports, together_views, views

app_name = "reflections"
urlpatterns = [
    path("", views.home, name="home"),
    path("library/", views.library, name="library"),
    path("library/bring/", bring_views.article_bring, name="article_bring"),
    path("library/<slug:slug>/", views.article, name="article"),
    path("library/<slug:slug>/start/", views.reflection_start, name="reflection_start"),
    path("reflections/<int:pk>/", views.reflection, name="reflection"),
    path("reflections/<int:pk>/status/", views.live_status, name="live_status"),
    path("reflections/<int:pk>/answers/", views.answers_save, name="answers_save"),
    path("reflections/<int:pk>/ready/", views.readiness_set, name="readiness_set"),
    path("reflections/<int:pk>/withdraw/", views.readiness_withdraw, name="readiness_withdraw"),
    path("reflections/<int:pk>/share/", views.reflection_share, name="reflection_share"),
    path("reflections/<int:pk>/unshare/", views.reflection_unshare, name="reflection_unshare"),
    path("reflections/<int:pk>/together/", together_views.together, name="together_start"),
    path("reflections/<int:pk>/together/<int:number>/", together_views.together, name="together"),
    path("reflections/<int:pk>/together/<int:number>/talked/", together_views.talked_toggle, name="talked_toggle"),
    path("reflections/<int:pk>/notes/", together_views.note_save, name="note_save"),
    path("reflections/<int:pk>/follow-up/", together_views.follow_up_start, name="follow_up_start"),
    path("reflections/<int:pk>/prompts/<int:number>/replies/", conversation_views.reply_create, name="reply_create"),
    path("reflections/<int:pk>/prompts/<int:number>/reaction/", conversation_views.reaction_set, name="reaction_set"),
    path("reflections/<int:pk>/conversation/", conversation_views.conversation_live, name="conversation_live"),
    path("replies/<int:reply_pk>/", conversation_views.reply_edit, name="reply_edit"),
    path("replies/<int:reply_pk>/delete/", conversation_views.reply_delete, name="reply_delete"),
    path("reflections/<int:pk>/export.md", exports.reflection_export, name="reflection_export"),
    path("history/", together_views.history, name="history"),
    path("account/export/", exports.answers_export, name="answers_export"),
    path("account/export/answers.md", exports.answers_export_markdown, name="answers_export_markdown"),
    path("account/export/answers.json", exports.answers_export_json, name="answers_export_json"),
]
