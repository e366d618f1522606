"""The log itself: one row per record() in the caller's transaction, append-only at the database, and a
hash chain that audit_verify walks."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from newsroom import audit
from newsroom.audit import chain
from newsroom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows():
    return list(AuditEntry.objects.order_by("id"))


def test_a_row_names_who_acted_and_is_linked_to_the_row_before_once_sealed(editor):
    with audit.acting(user=editor):
        audit.record("section.create", object_type="articles.section", object_id=1, label="World")
    assert _rows()[0].seq is None  # not in the chain until the sealer runs
    with audit.acting(system="wire feed Reuters"):
        audit.record("wireitem.ingest", object_type="articles.wireitem", object_id=7, label="Item")
    assert chain.seal() == 2
    first, second = _rows()
    assert first.actor_id == editor.pk and first.actor_label == f"ed (user {editor.pk})"
    assert second.actor_id is None and second.actor_label == "system: wire feed Reuters"
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == "" and second.prev_hash == first.hash
    assert all(chain.digest(row) == row.hash for row in _rows())


def test_a_row_is_sealed_once_and_only_its_link_may_be_set():
    audit.record("section.create", object_type="articles.section", object_id=1, label="World")
    with (
        connection.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
    ):
        # Unsealed still: its content cannot change on the way in.
        cursor.execute("UPDATE audit_auditentry SET object_label = 'Elsewhere', seq = 1, hash = 'x'")
    assert chain.seal() == 1 and chain.seal() == 0
    with (
        connection.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
    ):
        cursor.execute("UPDATE audit_auditentry SET seq = 5, prev_hash = '', hash = 'forged'")
    assert AuditEntry.objects.get().seq == 1


def test_a_change_that_rolls_back_leaves_no_row(editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        with audit.acting(user=editor):
            audit.record("section.create", object_type="articles.section", object_id=1, label="World")
        raise RuntimeError("the change failed after its row was written")
    assert AuditEntry.objects.count() == 0


def test_secrets_never_reach_the_log():
    changes = audit.diff(
        {"password": "old-secret", "secret": "", "name": "Feed"},
        {"password": "new-secret", "secret": "s3cr3t", "name": "Wire"},
    )
    assert changes == {
        "password": ["(hidden)", "(hidden)"],
        "secret": [None, "(hidden)"],
        "name": ["Feed", "Wire"],
    }
    row = audit.record(
        "webhooksubscription.update", object_type="articles.webhooksubscription", changes=changes
    )
    stored = json.dumps(AuditEntry.objects.values().get(pk=row.pk), default=str)
    assert "secret" in stored and "s3cr3t" not in stored and "new-secret" not in stored


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'rewritten'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
    ],
)
def test_the_database_refuses_to_rewrite_history(sql):
    audit.record("section.create", object_type="articles.section", object_id=1, label="World")
    with connection.cursor() as cursor:
        # The test settings allow TRUNCATE (for the flush between tests); production sessions never do.
        cursor.execute("SET LOCAL newsroom.audit_truncate = 'off'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(sql)
    assert AuditEntry.objects.filter(summary="").count() == 1


def test_the_orm_cannot_rewrite_history_either():
    row = audit.record("section.create", object_type="articles.section", object_id=1, label="World")
    row.summary = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        row.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()


def _three_rows():
    for n in range(3):
        audit.record("section.create", object_type="articles.section", object_id=n, label=f"Section {n}")
    chain.seal()
    return _rows()


def _as_superuser(sql, params):
    # What an intruder with the database's superuser could do: switch the guard off and edit.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")


def test_audit_verify_passes_an_untouched_log(capsys):
    _three_rows()
    call_command("audit_verify")
    assert "intact: 3 rows" in capsys.readouterr().out


def test_audit_verify_names_a_row_altered_with_superuser_sql():
    rows = _three_rows()
    _as_superuser("UPDATE audit_auditentry SET object_label = 'Nothing to see' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"broken at row {rows[1].pk} .*altered"):
        call_command("audit_verify")


def test_audit_verify_names_the_row_after_one_removed():
    rows = _three_rows()
    _as_superuser("DELETE FROM audit_auditentry WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"broken at row {rows[2].pk} .*removed"):
        call_command("audit_verify")


def test_audit_verify_sees_a_rehashed_row_break_the_link_after_it():
    # An intruder who recomputes the altered row's own hash still breaks the next row's link.
    rows = _three_rows()
    rows[0].object_label = "Rewritten"
    forged = chain.digest(rows[0])
    _as_superuser(
        "UPDATE audit_auditentry SET object_label = 'Rewritten', hash = %s WHERE id = %s",
        [forged, rows[0].pk],
    )
    with pytest.raises(CommandError, match=f"broken at row {rows[1].pk}"):
        call_command("audit_verify")


def test_audit_export_writes_json_lines_between_two_times(tmp_path):
    rows = _three_rows()
    out = tmp_path / "audit.jsonl"
    call_command("audit_export", since=rows[1].at.isoformat(), output=str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == [rows[1].pk, rows[2].pk]
    assert [line["seq"] for line in lines] == [2, 3]
    assert lines[1]["prev_hash"] == lines[0]["hash"] == rows[1].hash
    call_command("audit_export", until=rows[0].at.isoformat(), output=str(out))
    assert out.read_text() == ""


def test_audit_export_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="--since 'yesterday' is not a date"):
        call_command("audit_export", since="yesterday")


@pytest.mark.django_db(transaction=True)
def test_rows_join_the_chain_in_the_order_their_changes_commit(settings):
    import psycopg

    db = settings.DATABASES["default"]
    slow = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, autocommit=False
    )
    try:
        # A long transaction writes its row first (the lower id) but commits last.
        slow.execute(
            "INSERT INTO audit_auditentry (at, actor_label, action, scope, object_type, object_id,"
            " object_label, summary, changes, user_agent, prev_hash, hash) VALUES (now(), 'system: import', "
            "'article.create', 'content', 'articles.article', '1', 'Slow', '', '{}', '', '', '')"
        )
        fast = audit.record("article.update", object_type="articles.article", object_id=2, label="Fast")
        # The slow row, not visible yet, holds nothing up.
        assert chain.seal() == 1 and AuditEntry.objects.get(pk=fast.pk).seq == 1
        slow.commit()
    finally:
        slow.close()
    assert chain.seal() == 1
    by_seq = list(AuditEntry.objects.order_by("seq").values_list("object_label", "id"))
    assert [label for label, _ in by_seq] == ["Fast", "Slow"] and by_seq[0][1] == fast.pk > by_seq[1][1]
    call_command("audit_verify")
