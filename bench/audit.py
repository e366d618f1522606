"""Benchmark (not a test): what the audit log costs a story save, and its screen at a million rows.

    make bench-audit          # also the last step of `make bench`

In a database of its own (newsroom_bench_audit). The save figure is save_edit (the admin's save) timed
with and without its audit row, in interleaved rounds; the goal is under 10% of the save. The log figures
are the administrators' screen, through the admin view, over 1,000,000 generated rows (made once, kept
for later runs; their hashes are not a chain, so audit_verify is not run on this database).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVES, ROUNDS, ROWS = 100, 3, 1_000_000
GOAL_SHARE = 0.10


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def story_and_editor():
    from django.contrib.auth.models import Group, User

    from articles.models import Article, Section
    from articles.publishing import editing

    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Editors"))
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    body = "<p>" + "Words of the story. " * 200 + "</p>"
    story = Article(
        headline="Bench story",
        slug=f"bench-{time.time_ns()}",
        section=section,
        standfirst="A standfirst.",
        body=body,
    )
    return editing.save_edit(article=story, user=editor), editor


def time_saves(story, editor, n: int) -> float:
    """Seconds per save_edit."""
    from articles.publishing import editing

    started = time.perf_counter()
    for i in range(n):
        story.headline = f"Bench story, version {i}"
        editing.save_edit(article=story, user=editor, loaded_version=story.version)
    return (time.perf_counter() - started) / n


def queries_per_save(story, editor) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        time_saves(story, editor, 1)
    return len(queries)


def save_cost():
    from articles.publishing import history
    from newsroom.audit import chain, log

    story, editor = story_and_editor()
    time_saves(story, editor, 10)  # warm
    real_record, real_version, real_seal = log.record, history.log_version, chain.seal
    inside, sealing = [], []

    def timed_version(**kwargs):
        started = time.perf_counter()
        real_version(**kwargs)
        inside.append(time.perf_counter() - started)

    def timed_seal(**kwargs):
        started = time.perf_counter()
        real_seal(**kwargs)
        sealing.append(time.perf_counter() - started)

    queries_with = queries_per_save(story, editor)
    with_audit, without = [], []
    for _ in range(ROUNDS):
        history.log_version, chain.seal = timed_version, timed_seal
        try:
            with_audit.append(time_saves(story, editor, SAVES))
        finally:
            history.log_version, chain.seal = real_version, real_seal
        log.record = lambda *args, **kwargs: None
        try:
            without.append(time_saves(story, editor, SAVES))
        finally:
            log.record = real_record
    log.record = lambda *args, **kwargs: None
    try:
        queries_without = queries_per_save(story, editor)
    finally:
        log.record = real_record
    on, off = statistics.median(with_audit), statistics.median(without)
    # The audit's own time in each save (its revision read, diff and insert; the seal after commit): measured
    # directly, so the machine's other load does not swing it as the difference of two runs does.
    own = statistics.median(inside) + (statistics.median(sealing) if sealing else 0)
    share = own / on
    verdict = "met " if share < GOAL_SHARE else "MISS"
    print(f"Story save (save_edit, {SAVES} saves x {ROUNDS} rounds, interleaved):")
    print(f"  with the audit row     {on * 1000:7.2f} ms  {queries_with} queries")
    print(f"  without it             {off * 1000:7.2f} ms  {queries_without} queries")
    print(f"  the audit's own time   {own * 1000:7.2f} ms (sealed later by the worker: see below)")
    print(f"  the audit row's cost   {share:7.1%} of the save   {verdict} < 10%")


def seal_cost():
    """The worker's seal of a busy minute's rows (one step links every row committed since the last)."""
    from newsroom import audit
    from newsroom.audit import chain

    chain.seal()
    for n in range(200):
        audit.record("article.update", object_type="articles.article", object_id=n, label=f"Story {n}")
    started = time.perf_counter()
    sealed = chain.seal()
    seconds = time.perf_counter() - started
    each = seconds / sealed * 1000
    print(f"  the worker's seal      {seconds * 1000:7.1f} ms for {sealed} rows ({each:.2f} ms a row)")


def fill(rows: int) -> int:
    from django.db import connection

    from newsroom.audit.models import AuditEntry

    have = AuditEntry.objects.count()
    if have >= rows and not AuditEntry.objects.filter(seq__isnull=True).exists():
        return have
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditentry (at, actor_id, api_key_id, actor_label, action, scope, object_type,
                object_id, object_label, summary, changes, ip, user_agent, prev_hash, hash)
            SELECT now() - (%(rows)s - n) * interval '30 seconds', NULL, NULL,
                'user' || (n %% 50), (ARRAY['article.update','article.publish','photo.update',
                'section.update','auth.login','wireitem.ingest','frontlayout.update'])[1 + n %% 7],
                CASE WHEN n %% 7 = 4 THEN 'security' ELSE 'content' END,
                (ARRAY['articles.article','articles.article','articles.photo','articles.section',
                'auth.user','articles.wireitem','articles.frontlayout'])[1 + n %% 7],
                (n %% 20000)::text, 'Story headline number ' || n || CASE WHEN n %% 100000 = 7 THEN
                ' zanzibar' ELSE '' END, 'Edited', '{"headline": ["Before", "After"]}'::jsonb,
                ('203.0.113.' || (n %% 250))::inet, 'Mozilla/5.0', md5((n - 1)::text), md5(n::text)
            FROM generate_series(%(start)s, %(rows)s) AS n
            """,
            {"rows": rows, "start": min(have, rows) + 1},
        )
        # Placed in the chain as the sealer would (their hashes are not a real chain: see above).
        cursor.execute(
            """UPDATE audit_auditentry SET seq = s.seq FROM (SELECT id, (SELECT COALESCE(MAX(seq), 0)
               FROM audit_auditentry) + row_number() OVER (ORDER BY id) AS seq FROM audit_auditentry
               WHERE seq IS NULL) AS s WHERE audit_auditentry.id = s.id"""
        )
        cursor.execute("ANALYZE audit_auditentry")
    return AuditEntry.objects.count()


def log_pages():
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsroom.audit.models import AuditEntry

    started = time.perf_counter()
    count = fill(ROWS)
    print(
        f"\nThe log screen over {count:,} rows (made in {time.perf_counter() - started:.0f} s), median of 5:"
    )
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    oldest = AuditEntry.objects.order_by("id").values_list("id", flat=True).first()
    day = AuditEntry.objects.order_by("-id").values_list("at", flat=True)[ROWS // 2].date().isoformat()
    pages = {
        "newest first": {},
        "one person": {"user": "bench-editor"},
        "an action": {"action": "article.publish"},
        "actions by prefix": {"action": "photo."},
        "one object": {"object_type": "articles.article", "object_id": "140"},
        "one day": {"since": day, "until": day},
        "search, common word": {"q": "number 99"},
        "search, every row": {"q": "headline"},
        "search, rare word": {"q": "zanzibar"},
        "search, no match": {"q": "qqqxj"},
        "page near the oldest": {"before": oldest + 100},
    }
    url = "/admin/audit/auditentry/"
    for name, query in pages.items():
        client.get(url, query)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url, query)
                times.append(time.perf_counter() - t)
            assert response.status_code == 200, (name, response.status_code)
        counts = any("COUNT(" in q["sql"].upper() and "audit_auditentry" in q["sql"] for q in queries)
        print(f"  {name:22} {statistics.median(times) * 1000:8.1f} ms  {len(queries):3} queries"
              f"{'  (COUNT!)' if counts else ''}")  # fmt: skip


if __name__ == "__main__":
    setup()
    save_cost()
    seal_cost()
    log_pages()
