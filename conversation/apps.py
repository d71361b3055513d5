from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "conversation"
    default_auto_field = "django.db.models.BigAutoField"
