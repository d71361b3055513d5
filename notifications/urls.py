from django.urls import path

from . import views

urlpatterns = [
    path("notifications/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("notifications/read/", views.mark_all_read, name="notifications_read_all"),
    path("account/notifications/", views.email_settings, name="notification_settings"),
]
