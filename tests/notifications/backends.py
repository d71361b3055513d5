"""Mail backends that fail on purpose, to test retries."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend


class FailOnceBackend(EmailBackend):
    """Fails the first send of the test (as a mail server that drops the
    connection would), then delivers to mail.outbox like locmem."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class AlwaysFailBackend(EmailBackend):
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise SMTPServerDisconnected("Connection unexpectedly closed")
