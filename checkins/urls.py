from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    path("checkins/", views.checkin, name="checkin"),
    path("checkins/new/", views.checkin_propose, name="checkin_propose"),
    path("checkins/<int:pk>/change/", views.checkin_change, name="checkin_change"),
    path("checkins/<int:pk>/accept/", views.checkin_accept, name="checkin_accept"),
    path("checkins/<int:pk>/decline/", views.checkin_decline, name="checkin_decline"),
    path("checkins/<int:pk>/pause/", views.checkin_pause, name="checkin_pause"),
    path("checkins/<int:pk>/resume/", views.checkin_resume, name="checkin_resume"),
    path("checkins/<int:pk>/stop/", views.checkin_stop, name="checkin_stop"),
    path("checkins/<int:pk>/share/", views.checkin_share, name="checkin_share"),
    path("checkins/<int:pk>/unshare/", views.checkin_unshare, name="checkin_unshare"),
    path("checkins/<int:pk>/trend/", views.checkin_trend, name="checkin_trend"),
]
