"""The redirect manager as editors use it: add, CSV in and out, the 404 list's "make a redirect"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import NotFound, Redirect

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:articles_redirect_import")


def upload(client, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(IMPORT, {"file": SimpleUploadedFile("redirects.csv", data, "text/csv")})


def test_an_editor_adds_a_redirect_to_a_story(editor_client, client, make_article):
    story = make_article()
    response = editor_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/2019/05/old-story/", "article": story.pk, "to_url": "", "permanent": "on", "note": ""},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Redirect.objects.get().old_path == "/2019/05/old-story"
    assert editor_client.get("/2019/05/old-story/")["Location"] == story.get_absolute_url()


def test_a_redirect_without_a_target_or_to_itself_is_refused(editor_client):
    url = reverse("admin:articles_redirect_add")
    response = editor_client.post(url, {"old_path": "/a/", "to_url": ""})
    assert "Choose a story or give the new address." in response.content.decode()
    response = editor_client.post(url, {"old_path": "/a/", "to_url": "/a"})
    assert "would loop" in response.content.decode()
    response = editor_client.post(url, {"old_path": "/a/", "to_url": "javascript:alert(1)"})
    assert "full URL" in response.content.decode()
    assert not Redirect.objects.exists()


def test_a_csv_is_imported_and_replaces_what_it_names(editor_client):
    Redirect.objects.create(old_path="/old-a", to_url="/was/")
    response = upload(
        editor_client,
        "old_path,new_path,status,note\n/old-a/,/politics/,301,moved\n/old-b/,https://example.org/,302,\n",
    )
    assert response.status_code == 302
    assert dict(Redirect.objects.values_list("old_path", "to_url")) == {
        "/old-a": "/politics/",
        "/old-b": "https://example.org/",
    }
    assert not Redirect.objects.get(old_path="/old-b").permanent
    assert editor_client.get("/old-a/")["Location"] == "/politics/"


@pytest.mark.parametrize(
    "text, message",
    [
        ("from,to\n/a/,/b/\n", "The first line must name the columns"),
        ("old_path,new_path,status\n/a/,/b/,307\n", "Line 2: status: Give 301"),
        ("old_path,new_path\n/a/,/b/\n/c/,/a/\n", "Line 3: /a/ is itself redirected"),
        ("old_path,new_path\n/a/,/b/\n/a/,/c/\n", "Line 3: /a is already on line 2."),
        ("old_path,new_path\n/a/,\n", "Line 2: to_url: Choose a story"),
        (b"old_path,new_path\n/caf\xe9/,/b/\n", "not UTF-8"),
    ],
)
def test_a_bad_csv_names_its_lines_and_imports_nothing(editor_client, text, message):
    response = upload(editor_client, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Redirect.objects.exists()


def test_the_export_reads_back_in(editor_client):
    Redirect.objects.create(old_path="/x", to_url="/y/", note="=HYPERLINK(1)")
    response = editor_client.get(reverse("admin:articles_redirect_export"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "/x,/y/,301,'=HYPERLINK(1),0," in body
    Redirect.objects.all().delete()
    assert upload(editor_client, body).status_code == 302
    assert Redirect.objects.get().to_url == "/y/"


def test_the_404_list_offers_a_redirect(editor_client, client):
    client.get("/lost/page/")
    page = editor_client.get(reverse("admin:articles_notfound_changelist")).content.decode()
    link = reverse("admin:articles_redirect_add") + "?old_path=/lost/page/"
    assert link in page
    form = editor_client.get(link).content.decode()
    assert 'value="/lost/page/"' in form
    assert NotFound.objects.get().hits == 1


def test_reporters_do_not_manage_redirects(reporter_client):
    assert reporter_client.get(reverse("admin:articles_redirect_changelist")).status_code == 403
    assert upload(reporter_client, "old_path,new_path\n/a/,/b/\n").status_code in (302, 403)
    assert not Redirect.objects.exists()
