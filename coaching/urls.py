"""The coach's workspace: the coach's profile and client couples
(client_views), their articles, assignments and the reflections couples
share with them (views), check-ins (checkin_views) and programmes
(programme_views)."""

from django.urls import path

from . import checkin_views, client_views, intake_views, practice_views, programme_views, translation_views, views

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
    path(
        "articles/<int:pk>/translation/<slug:language>/",
        translation_views.article_translation,
        name="article_translation",
    ),
    path(
        "articles/<int:pk>/translation/<slug:language>/remove/",
        translation_views.article_translation_remove,
        name="article_translation_remove",
    ),
    path("articles/<int:pk>/questions/", views.prompt_new, name="prompt_new"),
    path("articles/<int:pk>/questions/from-bank/", views.prompts_from_bank, name="prompts_from_bank"),
    path("questions/<int:pk>/", views.prompt_edit, name="prompt"),
    path("questions/<int:pk>/delete/", views.prompt_delete, name="prompt_delete"),
    path("questions/<int:pk>/move/", views.prompt_move, name="prompt_move"),
    path("assign/", views.assignment_create, name="assignment_create"),
    path("reflections/<int:pk>/", views.shared_reflection, name="shared_reflection"),
    path("checkins/new/", checkin_views.checkin_propose, name="checkin_propose"),
    path("intake/", intake_views.intake, name="intake"),
    path("links/<int:pk>/intake/", intake_views.intake_consent, name="intake_consent"),
    path("checkins/<int:pk>/trend/", checkin_views.checkin_trend, name="checkin_trend"),
    path("programmes/", programme_views.programmes_list, name="programmes"),
    path("programmes/new/", programme_views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", programme_views.programme_edit, name="programme"),
    path("programmes/<int:pk>/delete/", programme_views.programme_delete, name="programme_delete"),
    path("programmes/<int:pk>/steps/", programme_views.step_new, name="step_new"),
    path("programmes/<int:pk>/assign/", programme_views.programme_assign, name="programme_assign"),
    path("steps/<int:pk>/", programme_views.step_edit, name="step"),
    path("steps/<int:pk>/delete/", programme_views.step_delete, name="step_delete"),
    path("steps/<int:pk>/move/", programme_views.step_move, name="step_move"),
    path("enrolments/<int:pk>/pause/", programme_views.enrolment_pause, name="enrolment_pause"),
    path("enrolments/<int:pk>/resume/", programme_views.enrolment_resume, name="enrolment_resume"),
    path("enrolments/<int:pk>/end/", programme_views.enrolment_end, name="enrolment_end"),
    path("couples/<int:couple_pk>/", practice_views.couple, name="couple"),
    path("couples/<int:couple_pk>/notes/", practice_views.note_new, name="note_new"),
    path("notes/<int:pk>/", practice_views.note, name="note"),
    path("notes/<int:pk>/delete/", practice_views.note_delete, name="note_delete"),
    path("export/", practice_views.export, name="export"),
    path("export.md", practice_views.export_markdown, name="export_markdown"),
    path("export.json", practice_views.export_json, name="export_json"),
]
