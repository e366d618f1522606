"""Everything kept of a rendered page (the story's stored markup, fragments, the page cache) is keyed by
the release it was rendered with: the site's URL, the static files as the manifest names them, and the
templates. A deploy that changes any of them shows readers the new one at once, with no step of its own."""

import re
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from articles.markup import store as markup
from articles.models import StoredMarkup

pytestmark = pytest.mark.django_db


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def publisher_logo(html: str) -> str:
    return re.search(r'"logo": \{[^}]*"url": "([^"]+)"', html).group(1)


def test_a_new_site_url_is_in_the_kept_markup_at_once(client, make_article, settings):
    story = make_article(headline="Ferry timetable changes")
    first = client.get(story.get_absolute_url()).content.decode()
    assert canonical(first).startswith("http://127.0.0.1:8000/")
    kept = StoredMarkup.objects.get(article=story).version

    settings.SITE_URL = "https://news.example.org"
    again = client.get(story.get_absolute_url()).content.decode()
    assert canonical(again) == f"https://news.example.org{story.get_absolute_url()}"
    assert "127.0.0.1:8000" not in again
    assert StoredMarkup.objects.get(article=story).version not in (kept, "")


def test_a_changed_static_file_is_named_anew_in_the_kept_markup(client, make_article, settings, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(django_settings.BASE_DIR / "static", static)
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = tmp_path / "collected"
    manifest = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}

    def deploy():
        call_command("collectstatic", "--noinput", verbosity=0)
        # A new process after the deploy: the storage reads the new manifest.
        settings.STORAGES = {**django_settings.STORAGES, "staticfiles": dict(manifest)}

    settings.STORAGES = {**django_settings.STORAGES, "staticfiles": manifest}
    deploy()
    story = make_article(headline="Lighthouse keeper retires")
    before = publisher_logo(client.get(story.get_absolute_url()).content.decode())
    assert re.search(r"/static/img/logo\.[0-9a-f]{12}\.png$", before)

    (static / "img" / "logo.png").write_bytes((static / "img" / "logo.png").read_bytes() + b"\0")
    deploy()
    after = publisher_logo(client.get(story.get_absolute_url()).content.decode())
    assert re.search(r"/static/img/logo\.[0-9a-f]{12}\.png$", after) and after != before


def test_a_template_change_is_a_new_version(settings, tmp_path):
    shutil.copytree(django_settings.BASE_DIR / "templates", tmp_path / "templates")
    shutil.copytree(django_settings.BASE_DIR / "articles", tmp_path / "articles", dirs_exist_ok=True)
    settings.BASE_DIR = tmp_path
    before = markup.version()
    footer = tmp_path / "templates" / "base.html"
    footer.write_text(footer.read_text() + "\n")
    markup._version.cache_clear()  # a new process, as after a deploy
    assert markup.version() != before
