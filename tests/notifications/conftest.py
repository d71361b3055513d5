import pytest

from .backends import AlwaysFailBackend, FailOnceBackend


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tests run inside a transaction that never commits; this runs what
    would run on commit (queueing emails, the reveal signal) as it happens."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def fail_once_mail(settings):
    FailOnceBackend.attempts = 0
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.backends.FailOnceBackend"}}
    return FailOnceBackend


@pytest.fixture
def failing_mail(settings):
    AlwaysFailBackend.attempts = 0
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.backends.AlwaysFailBackend"}}
    return AlwaysFailBackend
