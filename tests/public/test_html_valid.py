"""Every public page is valid HTML, by the Nu HTML checker (vnu.jar from the npm package vnu-jar).

The pages are rendered with the test client, written to a folder and checked in one run of the checker
(a JVM start costs seconds). `scripts/setup.sh` installs the checker when NEED_VNU=1.
"""

import functools
import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import (
    Article,
    BreakingBanner,
    Correction,
    FrontLayout,
    FrontSection,
    FrontStory,
    GalleryItem,
    SiteSettings,
    SocialLink,
)
from newsroom.readers.models import Newsletter

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".state/node/node_modules/vnu-jar/build/dist/vnu.jar"))
# Proves the checker is really checking: it must report exactly the faults planted here.
BROKEN_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
    '<body><p id="a">one</p><p id="a">two</p><img src="x.jpg"></body></html>'
)


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.skip(f"vnu.jar not found at {VNU_JAR}: run scripts/setup.sh with NEED_VNU=1")
    return [java, "-Xss1m", "-jar", str(VNU_JAR)]


@pytest.fixture
def content(make_article, make_photo, make_author, make_source, make_section, section):
    site = SiteSettings.load()
    site.tagline = "News you can check"
    site.save()
    SocialLink.objects.create(site=site, network="youtube", url="https://youtube.example/english-news")
    europe = make_section(name="Europe", slug="europe", parent=section, description="From Lisbon to Kyiv.")
    reuters = make_source(name="Reuters", slug="reuters", kind="agency")
    aljazeera = make_source(name="Al Jazeera", slug="al-jazeera", url="https://aljazeera.example")
    maya = make_author(name="Maya Lindqvist", slug="maya", bio="Maya reports on Europe & energy.")
    photo = make_photo(caption="Smoke rises over the shipyard", credit_source=reuters)
    article = make_article(
        headline="Dam & bridge reopen after “floods”",
        standfirst="Engineers declared both safe <again>.",
        body=(
            '<h2>What happened</h2><p>First paragraph with <a href="https://example.org">a link</a>.</p>'
            "<blockquote><p>“A quote.”</p></blockquote><ul><li>One</li><li>Two</li></ul>"
            "<h3>Next</h3><ol><li>Step</li></ol><hr><p>Last<br>line.</p>"
        ),
        section=europe,
        lead_photo=photo,
        authors=[maya, make_author(name="Reuters staff", slug="reuters-staff", is_agency=True)],
        sources=[aljazeera, reuters],
        tags=["Flooding", "Infrastructure", "Energy"],
    )
    GalleryItem.objects.create(article=article, photo=make_photo(alt_text="The bridge"), order=1)
    Correction.objects.create(article=article, text="The dam is 40 m high, not 60 m.")
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, text="The bridge reopened.")
    Article.objects.filter(pk=article.pk).update(revised_at=timezone.now())
    for i in range(22):
        make_article(
            headline=f"Flood story {i}",
            tags=["Flooding"],
            authors=[maya],
            lead_photo=photo if i % 2 else None,
            published_at=timezone.now() - timedelta(hours=i + 1),
        )
    # Every page carries the breaking news banner; the home page and World open with an editors' front.
    link = article.get_absolute_url()
    BreakingBanner.objects.create(text="Floods: roads closed & “trains” cancelled", link=link)
    since = timezone.now() - timedelta(minutes=1)
    home, world = (FrontLayout.objects.create(section=page, live_from=since) for page in (None, section))
    FrontStory.objects.create(layout=home, article=article, position=1)
    FrontSection.objects.create(layout=home, section=section, position=1)
    FrontStory.objects.create(layout=world, article=article, position=1)
    # Story blocks and embeds (articles/blocks/): each kind once, read-more to a published story.
    earlier = Article.objects.get(headline="Flood story 1")
    blocks = (
        '<figure data-block="pullquote"><blockquote><p>We <em>will</em> reopen</p></blockquote>'
        f'<figcaption>The mayor</figcaption></figure><figure data-block="photo" data-photo-id="{photo.pk}">'
        f'</figure><aside data-block="readmore" data-story-id="{earlier.pk}"></aside>'
        '<aside data-block="factbox"><h2>Numbers</h2><ul><li>40 m</li></ul></aside>'
        "<p>https://youtu.be/dQw4w9WgXcQ</p><p>https://x.com/NASA/status/1790012345678901234</p>"
    )
    Article.objects.filter(pk=article.pk).update(body=article.body + blocks)
    make_article(
        headline="Pulled story",
        slug="pulled-story",
        status=Article.Status.UNPUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    return article


@pytest.fixture
def live_story(make_article, make_photo, make_author, editor):
    from articles.live import services

    make_author(name="Priya Raman", slug="priya", user=editor)
    story = make_article(headline="Storm comes ashore: live", slug="storm-live")
    services.start_coverage(article=story, user=editor)
    post = functools.partial(services.post_entry, article=story, user=editor)
    first = post(body="<p>Warnings & <em>upgrades</em>.</p>", title="Warnings", key_event=True)
    post(body="Waves over the wall.\n\nMore to come.", embed_url="https://www.youtube.com/watch?v=x")
    post(body="<p>At the harbour.</p>", photo=make_photo(alt_text="Boats at the quay"))
    post(body="<p>Summary</p>", title="Summary", pinned=True)
    services.correct_entry(entry=first, user=editor, body="<p>Warnings upgraded.</p>", note="Time fixed.")
    return story


def test_public_pages_are_valid_html(client, content, live_story, tmp_path, settings):
    command = _checker()
    settings.PAGE_CACHE_SECONDS = 0
    Newsletter.objects.create(name="The Brief", slug="brief", offered_site_wide=True, description="Daily.")
    pages = {
        "home": ("/", 200),
        "article": (content.get_absolute_url(), 200),
        "section": ("/world/", 200),
        "section-page-2": ("/world/?page=2", 200),
        "sub-section": ("/europe/", 200),
        "tag": ("/tag/flooding/", 200),
        "author": ("/author/maya/", 200),
        "search-results": ("/search/?q=flood", 200),
        "search-page-2": ("/search/?q=flood&page=2", 200),
        "search-prefix": ("/search/?q=infrastruc", 200),
        "search-no-results": ("/search/?q=flod+storie+zzzz", 200),
        "search-empty": ("/search/", 200),
        "search-errors": ("/search/?q=flood&date_from=2026-13-01&section=nope", 400),
        "corrections": ("/corrections/", 200),
        "corrections-policy": ("/corrections-policy/", 200),
        "not-found": ("/no-such-section/", 404),
        "gone": ("/world/pulled-story/", 410),
        "live": (live_story.get_absolute_url(), 200),
        "newsletters": ("/newsletters/", 200),
        "newsletter": ("/newsletters/brief/", 200),
        "newsletter-check-email": ("/newsletters/check-your-email/", 200),
        "newsletter-confirm": ("/newsletters/confirm/some-token/", 200),
        "reader-sign-in": ("/account/", 200),
        "api-docs": ("/api/v1/docs/", 200),
    }
    folder = tmp_path / "pages"  # tmp_path also holds the test's media files
    folder.mkdir()
    for name, (url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        (folder / f"{name}.html").write_bytes(response.content)
    (folder / "planted-faults.html").write_text(BROKEN_PAGE)
    # Every page of the site (the API's documentation is the API's, not the site's).
    site_pages = [name for name in pages if name != "api-docs"]
    assert all('aria-label="Breaking news"' in (folder / f"{name}.html").read_text() for name in site_pages)
    assert 'class="top-stories section-front"' in (folder / "section.html").read_text()

    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", "--stdout", *sorted(map(str, folder.iterdir()))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    by_file = {}
    for message in messages:
        name = Path(message.get("url", "?").removeprefix("file:")).stem
        by_file.setdefault(name, []).append(message)

    planted = by_file.pop("planted-faults", [])
    assert len(planted) == 2, planted  # the duplicate id and the image without alt

    report = [
        f"{name} ({pages[name][0]}) line {m.get('lastLine')}: {m['message']}\n"
        f"    {m.get('extract', '').strip()}"
        for name, found in sorted(by_file.items())
        for m in found
    ]
    assert not report, "The Nu HTML checker found errors:\n" + "\n".join(report)
