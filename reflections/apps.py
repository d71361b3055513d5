from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    default_auto_field = "django.db.models.BigAutoField"
