import pytest

from .backends import AlwaysFailBackend, FailOnceBackend


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
