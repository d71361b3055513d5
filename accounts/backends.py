from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Django's, loading the coach profile with the signed-in user: every
    page's menu asks whether they coach, and this spares it a query."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("coach_profile")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
