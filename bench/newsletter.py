"""Benchmark (not a test): how fast an issue goes out, against the mail framework's floor in the same run.

    make bench-newsletter     # also a step of `make bench`

In a database of its own (newsroom_bench_newsletter): --subscribers confirmed readers of one newsletter
(made once, kept for later runs) and a fresh issue of 8 stories each run. A real SMTP server (aiosmtpd)
on loopback takes the mail and counts it. The send is sending.send_now and its task run to the end in this
process (Django's immediate task backend: the worker's own code path without its polling), unthrottled
(NEWSLETTER_SEND_RATE=0), so the figure is what one worker can do: claims, a row update on each side of
every message, and the SMTP exchange. The floor is the same messages, already built, handed to Django's
SMTP backend over one connection with no database at all. Printed: emails per second of each, the ratio,
and the size of one email.
"""

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Sink:
    """Counts what the server accepted (messages and recipients)."""

    def __init__(self):
        self.messages = self.recipients = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
            self.recipients += len(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(port: int):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["NEWSLETTER_SEND_RATE"] = "0"
    import logging

    import django

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)  # a line per task run, not wanted here
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def audience(count: int):
    """The newsletter with `count` confirmed subscribers (added to, never rebuilt)."""
    from django.utils import timezone

    from newsroom.readers.models import Newsletter, Reader, Subscription

    newsletter, _ = Newsletter.objects.get_or_create(slug="bench-brief", defaults={"name": "Bench brief"})
    have = Subscription.objects.filter(newsletter=newsletter, status="confirmed").count()
    if have < count:
        now = timezone.now()
        readers = Reader.objects.bulk_create(
            [Reader(email=f"bench-{n:07}@example.org") for n in range(have, count)], batch_size=5000
        )
        Subscription.objects.bulk_create(
            [
                Subscription(reader=r, newsletter=newsletter, status="confirmed", consent_at=now)
                for r in readers
            ],
            batch_size=5000,
        )
    return newsletter


def new_issue(newsletter):
    from newsroom.readers.models import Issue, IssueItem

    issue = Issue.objects.create(newsletter=newsletter, subject=f"Bench issue {time.time():.0f}")
    IssueItem.objects.bulk_create(
        IssueItem(
            issue=issue,
            position=n,
            headline=f"Council agrees the budget for the new river crossing, part {n}",
            standfirst="The vote came after a long night of amendments, and the work starts in spring.",
            url=f"https://news.example/city/story-{n}/",
            kicker="City",
            image_url=f"https://news.example/media/story-{n}.jpg",
            image_alt="The river at dusk, seen from the old bridge",
            image_width=1200,
            image_height=675,
        )
        for n in range(8)
    )
    return issue


def floor(issue, count: int) -> float:
    """Emails per second of Django's SMTP backend alone: the issue's messages built beforehand."""
    from django.core.mail import mailers

    from newsroom.readers import issues

    rendered = issues.render(issue)
    built = [
        issues.message(
            rendered,
            to=f"floor-{n}@example.org",
            unsubscribe_url=f"https://news.example/newsletters/unsubscribe/{n}/",
            msgid=issues.message_id(issue.pk, n),
        )
        for n in range(count)
    ]
    mailer = mailers.default
    started = time.perf_counter()
    mailer.open()
    for message in built:
        mailer.send_messages([message])
    mailer.close()
    return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=int(os.environ.get("BENCH_SUBSCRIBERS", "5000")))
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        setup(port)
        from django.test.utils import override_settings

        from newsroom.readers import issues, sending

        newsletter = audience(args.subscribers)
        issue = new_issue(newsletter)
        one = issues.message(issues.render(issue), to="a@b.c", unsubscribe_url="u", msgid="<m>")
        size = len(one.message().as_bytes())
        print(f"\nNewsletter send: {args.subscribers:,} subscribers, one email {size / 1024:.1f} KB, "
              f"SMTP on loopback (aiosmtpd)", flush=True)  # fmt: skip
        floor_rate = floor(issue, min(args.subscribers, 2000))
        before = sink.recipients
        immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        started = time.perf_counter()
        with override_settings(TASKS=immediate, NEWSLETTER_TASK_SECONDS=3600):
            queued = sending.send_now(issue=issue)
        elapsed = time.perf_counter() - started
        sent = sending.progress(issue)["sent"]
        received = sink.recipients - before
        rate = sent / elapsed
        print(f"  {'framework floor (SMTP)':26} {floor_rate:8,.0f} emails/s (Django's SMTP backend, no DB)")
        print(f"  {'issue sent (send_now)':26} {rate:8,.0f} emails/s ({sent:,} of {queued:,} sent, "
              f"{received:,} received, {elapsed:.1f} s)")  # fmt: skip
        print(f"  send / floor: {rate / floor_rate:.2f}")
        return 0 if sent == queued == received else 1
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
