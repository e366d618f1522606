import pytest
from django.utils import timezone

from articles.frontpage import services
from articles.models import BreakingBanner, FrontLayout


@pytest.fixture
def arrange(editor, commit):
    """arrange(stories, section=None, sections=(), live_from=None): a layout saved by an editor through
    the service, its commit's cache invalidation run."""

    def make(stories, *, section=None, sections=(), live_from=None, note=""):
        layout = FrontLayout(section=section, live_from=live_from or timezone.now(), note=note)
        return commit(
            services.save_layout, layout=layout, user=editor, stories=list(stories), sections=list(sections)
        )

    return make


@pytest.fixture
def banner(editor, commit):
    """banner(text, link="", expires_at=None): put up by an editor through the service."""

    def make(text="Polls close in two hours", *, link="", expires_at=None):
        made = BreakingBanner(text=text, link=link, expires_at=expires_at)
        return commit(services.put_banner, banner=made, user=editor)

    return make


@pytest.fixture
def clock(monkeypatch):
    """clock.move(delta): every clock the site reads (timezone.now, time.time) runs `delta` ahead."""
    import time as time_module

    from django.utils import timezone as tz

    real_now, real_time = tz.now, time_module.time

    class Clock:
        offset = None

        def move(self, delta):
            self.offset = delta
            monkeypatch.setattr(tz, "now", lambda: real_now() + delta)
            monkeypatch.setattr(time_module, "time", lambda: real_time() + delta.total_seconds())

    return Clock()
