"""The log screen and each object's history panel: who reads what, filters, keyset pages, bad input."""

import pytest
from django.urls import reverse

from newsroom import audit
from newsroom.audit import selectors
from newsroom.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
LOG = reverse("admin:audit_auditentry_changelist")


@pytest.fixture
def logged(editor, reporter, administrator):
    """A story change by the reporter, one by the editor, and a role change by the administrator."""
    with audit.acting(user=reporter):
        audit.record("article.update", object_type="articles.article", object_id=1, label="Reporter's story")
    with audit.acting(user=editor):
        audit.record("article.publish", object_type="articles.article", object_id=2, label="Editor's story")
    with audit.acting(user=administrator):
        audit.record(
            "user.update",
            object_type="auth.user",
            object_id=reporter.pk,
            label="rep",
            scope=audit.Scope.SECURITY,
            changes={"groups": [["Reporters"], ["Editors"]]},
        )


def labels(response) -> list[str]:
    # Without the sign-in rows force_login itself writes.
    return [row.object_label for row in response.context["rows"] if not row.action.startswith("auth.")]


@pytest.mark.parametrize(
    "who, sees",
    [
        ("administrator", ["rep", "Editor's story", "Reporter's story"]),
        ("editor", ["Editor's story", "Reporter's story"]),
        ("reporter", ["Reporter's story"]),
    ],
)
def test_each_role_reads_its_share_of_the_log(client, logged, request, who, sees):
    client.force_login(request.getfixturevalue(who))
    response = client.get(LOG)
    assert response.status_code == 200
    assert labels(response) == sees


def test_readers_and_staff_without_a_role_never_see_the_log(client, logged, django_user_model):
    assert client.get(LOG).status_code == 302  # to the sign-in page
    client.force_login(django_user_model.objects.create_user("intern", is_staff=True))
    assert client.get(LOG).status_code == 403


def test_the_log_filters_by_who_action_and_object(client, administrator, logged):
    client.force_login(administrator)
    assert labels(client.get(LOG, {"user": "ed"})) == ["Editor's story"]
    assert labels(client.get(LOG, {"action": "article."})) == ["Editor's story", "Reporter's story"]
    assert labels(client.get(LOG, {"object_type": "auth.user"})) == ["rep"]
    assert labels(client.get(LOG, {"q": "reporter"})) == ["Reporter's story"]
    assert labels(client.get(LOG, {"user": "nobody"})) == []
    page = client.get(LOG, {"object_type": "auth.user"}).content.decode()
    assert "groups" in page and "Reporters" in page and "Editors" in page


def test_bad_filters_are_a_400_with_the_reason(client, administrator, logged):
    client.force_login(administrator)
    response = client.get(LOG, {"since": "2026-12-08", "until": "2026-12-01"})
    assert response.status_code == 400 and "swap them" in response.content.decode()
    response = client.get(LOG, {"since": "yesterday", "before": "x"})
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()


def test_pages_follow_the_id_not_a_count(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    for n in range(selectors.PAGE_SIZE + 5):
        audit.record("section.update", object_type="articles.section", object_id=n, label=f"Section {n}")
    with django_assert_max_num_queries(8) as queries:
        first = client.get(LOG)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries if "audit" in q["sql"])
    assert len(first.context["rows"]) == selectors.PAGE_SIZE
    older = client.get(f"{LOG}?{first.context['next_query']}")
    assert labels(older) == [f"Section {n}" for n in range(4, -1, -1)] and not older.context["next_query"]


def test_a_story_page_shows_its_history_to_whoever_may_read_it(client, editor, reporter, make_article):
    story = make_article()
    with audit.acting(user=editor):
        audit.record("article.update", obj=story, changes={"headline": ["Old", "New"]})
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert 'id="audit-history-title"' in page and "Old" in page and "New" in page


def test_a_users_page_shows_their_role_changes(client, administrator, reporter, logged):
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_change", args=[reporter.pk])).content.decode()
    assert 'id="audit-history-title"' in page and "user.update" in page


def test_a_row_cannot_be_changed_or_deleted_in_the_admin(client, administrator, logged):
    client.force_login(administrator)
    row = AuditEntry.objects.first()
    assert client.get(reverse("admin:audit_auditentry_change", args=[row.pk])).status_code == 200
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:audit_auditentry_change", args=[row.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert AuditEntry.objects.exclude(action__startswith="auth.").count() == 3


def test_a_rare_word_is_found_when_walking_the_log_runs_out_of_time(
    client, administrator, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection

    # Enough rows that a walk of the id index cannot finish in a millisecond; the word is in the oldest.
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO audit_auditentry (at, actor_label, action, scope, object_type, object_id,
                   object_label, summary, changes, user_agent, prev_hash, hash)
               SELECT now(), 'system', 'wireitem.ingest', 'content', 'articles.wireitem', n::text,
                   CASE WHEN n = 1 THEN 'Ferry to Zanzibar' ELSE 'Wire item ' || n END, '', '{}', '', '', ''
               FROM generate_series(1, 200000) AS n"""
        )
    monkeypatch.setattr(selectors, "SEARCH_WALK_MS", 1)
    client.force_login(administrator)
    # The page's 5, the walk's savepoint and settings (5) that ran out of time, and the search by index.
    with django_assert_max_num_queries(13) as queries:
        response = client.get(LOG, {"q": "zanzibar"})
    assert labels(response) == ["Ferry to Zanzibar"]
    assert any('"id" + 0' in q["sql"] or "+ 0)" in q["sql"] for q in queries.captured_queries)
