from django.urls import path

from . import exports, together_views, views

app_name = "conversation"
urlpatterns = [
    path("reflections/<int:pk>/together/", together_views.together, name="together_start"),
    path("reflections/<int:pk>/together/<int:number>/", together_views.together, name="together"),
    path("reflections/<int:pk>/together/<int:number>/talked/", together_views.talked_toggle, name="talked_toggle"),
    path("reflections/<int:pk>/notes/", together_views.note_save, name="note_save"),
    path("reflections/<int:pk>/follow-up/", together_views.follow_up_start, name="follow_up_start"),
    path("reflections/<int:pk>/prompts/<int:number>/replies/", views.reply_create, name="reply_create"),
    path("reflections/<int:pk>/prompts/<int:number>/reaction/", views.reaction_set, name="reaction_set"),
    path("reflections/<int:pk>/conversation/", views.conversation_live, name="conversation_live"),
    path("replies/<int:reply_pk>/", views.reply_edit, name="reply_edit"),
    path("replies/<int:reply_pk>/delete/", views.reply_delete, name="reply_delete"),
    path("reflections/<int:pk>/export.md", exports.reflection_export, name="reflection_export"),
    path("account/export/", exports.answers_export, name="answers_export"),
    path("account/export/answers.md", exports.answers_export_markdown, name="answers_export_markdown"),
    path("account/export/answers.json", exports.answers_export_json, name="answers_export_json"),
]
