from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to accounts' signals)
