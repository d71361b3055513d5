"""The default-stack yardstick's URLs (bench/default_stack.py): the ok view only."""

from django.urls import path

from bench import views

urlpatterns = [path("bench/ceiling/", views.ceiling, name="ceiling")]
