from django.urls import path

from . import views

urlpatterns = [
    path("", views.partner, name="partner"),
    path("invite/", views.invitation_new, name="invitation_new"),
    path("invite/<int:pk>/revoke/", views.invitation_cancel, name="invitation_revoke"),
    path("join/", views.invitation_enter_code, name="invitation_enter_code"),
    path("join/<slug:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("unlink/", views.unlink, name="unlink"),
]
