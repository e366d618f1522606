"""A real SMTP server on loopback (aiosmtpd in a thread) that records what it accepts."""

import threading
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller

SMTP_PORT = 8071


class Recorder:
    def __init__(self):
        self.received: list = []  # (recipient, Message)
        self.lock = threading.Lock()
        self.before_accept = None  # called with the count so far; returning False refuses the message

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.before_accept and self.before_accept(len(self.received)) is False:
                return "421 Going away"
            message = message_from_bytes(envelope.content)
            self.received += [(rcpt, message) for rcpt in envelope.rcpt_tos]
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.received) >= count


class SMTPServer:
    def __init__(self, port: int = SMTP_PORT):
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self.recorder

    def __exit__(self, *exc):
        self.controller.stop()
