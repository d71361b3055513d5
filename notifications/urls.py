from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/<int:pk>/read/", views.notification_mark_read, name="notification_mark_read"),
    path("notifications/read/", views.notifications_mark_all_read, name="notifications_mark_all_read"),
    path("account/notifications/", views.email_preferences, name="email_preferences"),
]
