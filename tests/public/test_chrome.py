"""The site's header and footer, rendered once per version of the site's settings and current section."""

import pytest

from articles.models import Section, SiteSettings, SocialLink

pytestmark = pytest.mark.django_db


def header(client, url="/"):
    html = client.get(url).content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def footer(client, url="/"):
    html = client.get(url).content.decode()
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def test_new_section_appears_in_the_header_at_once(client, make_article, commit):
    make_article()
    assert "Obituaries" not in header(client)
    commit(lambda: Section.objects.create(name="Obituaries", slug="obituaries", show_in_nav=True))
    assert 'href="/obituaries/">Obituaries</a>' in header(client)


def test_settings_change_reaches_header_and_footer_at_once(client, make_article, commit):
    make_article()
    header(client), footer(client)

    def rename():
        settings_row, _ = SiteSettings.objects.get_or_create(pk=1)
        settings_row.outlet_name = "Harbour Times"
        settings_row.save()
        SocialLink.objects.create(
            site=settings_row, network="mastodon", url="https://example.social/@harbour"
        )

    commit(rename)
    assert "Harbour Times" in header(client) and "Harbour Times" in footer(client)
    assert "https://example.social/@harbour" in header(client)


def test_current_section_is_marked_on_its_own_pages_only(client, make_article, section):
    story = make_article(section=section)
    current = f'href="{section.get_absolute_url()}" aria-current="page"'
    assert current in header(client, story.get_absolute_url())
    assert current in header(client, section.get_absolute_url())
    assert current not in header(client, "/")
