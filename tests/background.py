"""Engines for the background-work tests (wire, webhooks, worker): a real HTTP server on loopback that
serves what a test tells it to and records what it was sent, and a way to run the database backend's
ready tasks in this process with the worker's own code."""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db.models import Q
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

# Ports of this wing's range (8061-8069): feeds and pictures, webhook receivers.
FEED_PORT = 8061
RECEIVER_PORT = 8062


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    etag: str = ""  # answered with 304 when the request's If-None-Match matches
    delay: float = 0.0  # seconds before answering (a timeout test)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes


class LoopbackServer:
    """ThreadingHTTPServer on 127.0.0.1:`port`. `answers[path]` is an Answer, or a list of them answered in
    turn (the last repeats); `seen` lists every request."""

    def __init__(self, port: int):
        self.answers: dict = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
                answer = server.answer_for(self.path)
                if answer is None:
                    answer = Answer(b"not found", 404)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (a timeout or size test)
                    self.wfile.write(answer.body)

            do_GET = do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer_for(self, path):
        answer = self.answers.get(path)
        if isinstance(answer, list):
            return answer.pop(0) if len(answer) > 1 else answer[0]
        return answer

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def reset(self):
        self.answers.clear()
        self.seen.clear()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run_ready_tasks(*, advance_to=None) -> int:
    """Run every READY task of the database backend (after moving the clock's view to `advance_to`: tasks
    deferred until then are ready too), each claimed and run by django-tasks-db's own Worker code, as
    `run_worker --batch` would, within this test's transaction. Returns how many ran."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while True:
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if advance_to:
            ready = ready.filter(Q(run_after=get_date_max()) | Q(run_after__lte=advance_to))
        else:
            ready = ready.ready()
        row = ready.order_by("run_after", "enqueued_at").first()
        if row is None:
            return ran
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
