import socket
import threading

import pytest
from aiosmtpd.controller import Controller


class Sink:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """SMTP settings pointing at a port where nothing listens; `smtp.start()` brings a sink up
    on that same port (the mail server "comes back")."""

    class Smtp:
        port = free_port()
        sink = Sink()
        controller = None

        def start(self):
            self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    server = Smtp()
    settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    if server.controller is not None:
        server.controller.stop()
