from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("partner/", views.partner, name="partner"),
    path("partner/invite/", views.invitation_create, name="invitation_create"),
    path("partner/invite/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("partner/join/", views.invitation_code, name="invitation_code"),
    path("partner/join/<slug:token>/", views.invitation_accept, name="invitation_accept"),
    path("partner/unlink/", views.couple_unlink, name="couple_unlink"),
    path("account/language/", views.language, name="language"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
