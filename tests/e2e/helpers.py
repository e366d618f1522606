"""What every journey checks on the pages it visits: console, network, accessibility, layout shift."""

import io
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageDraw
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, Route, expect

PASSWORD = "pw-Secret-123"  # what tests/conftest.py gives every user
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
_axe = Axe()


class PageProblems:
    """Collects console errors, uncaught exceptions, failed requests and 4xx/5xx sub-resources."""

    def __init__(self, page: Page):
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.found.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, msg: ConsoleMessage):
        if msg.type == "error":
            self.found.append(f"console: {msg.text} ({msg.location['url']})")

    def _failed(self, request: Request):
        # The page cancelled it itself (select2 drops a search when the next keystroke comes, a
        # navigation stops what is loading): not a broken resource.
        if request.failure == "net::ERR_ABORTED":
            return
        self.found.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response: Response):
        # A page's own status is asserted by the test that loads it; its parts must all load.
        if response.status >= 400 and not response.request.is_navigation_request():
            self.found.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def assert_none(self, where: str = ""):
        found, self.found = self.found, []
        assert not found, f"problems on {where or 'the page'}:\n  " + "\n  ".join(found)

    def forget(self, *expected: str):
        """Drop what a deliberate error page logged, after checking it is only that."""
        found, self.found = self.found, []
        unexpected = [f for f in found if not any(e in f for e in expected)]
        assert not unexpected, "unexpected problems:\n  " + "\n  ".join(unexpected)


class Screenshots:
    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        for old in folder.glob("*.png"):
            old.unlink()

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path


def assert_accessible(page: Page, within: str | None = None):
    """axe-core finds nothing on the page (or only in the part `within` selects)."""
    results = _axe.run(page, context=within)
    assert results.violations_count == 0, f"axe-core on {page.url}\n{results.generate_report()}"


def check_public_page(page: Page, shots: Screenshots, step: str):
    """The checks every public page gets once it has loaded."""
    page.wait_for_load_state("load")
    shots(page, step)
    assert_accessible(page)
    assert_images_have_dimensions(page)
    page.problems.assert_none(page.url)


def assert_images_have_dimensions(page: Page):
    undimensioned = page.locator("img:not([width][height])")
    assert undimensioned.count() == 0, "images without width/height: " + ", ".join(
        undimensioned.evaluate_all("imgs => imgs.map(i => i.outerHTML)")
    )


# Sum of layout-shift entries not caused by input, buffered from the page's start.
_CLS_JS = """() => new Promise(resolve => {
  let cls = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) cls += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  // Buffered entries are delivered in a later task: two frames later they are all in.
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(cls)));
})"""


def layout_shift_with_late_images(page: Page, navigate: Callable[[], object]) -> float:
    """Run `navigate` with the page's images held back until it has painted; return its CLS.

    Images arriving after the first paint are when a missing width/height moves the text: holding them
    makes that worst case happen every time instead of depending on how fast localhost answers.
    `navigate` must return once the new page has committed, not wait for its load event.
    """
    held, released = [], []

    def hold(route: Route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/media/**", hold)
    with page.expect_request("**/media/**"):
        navigate()
    expect(page.locator("main")).to_be_visible()
    after_next_frame(page)
    assert held, f"no image was held back on {page.url}"
    released.append(True)
    for route in held:
        route.continue_()
    page.wait_for_load_state("load")
    page.wait_for_function("() => [...document.images].every(i => i.loading === 'lazy' || i.complete)")
    page.unroute("**/media/**")
    return page.evaluate(_CLS_JS)


def after_next_frame(page: Page):
    """Return once the page has rendered a frame after now (its pending animation-frame work is done)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def follow(page: Page, link: Locator, wait_until: str = "load"):
    """Click a link and wait for the page it names."""
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: url.endswith(href), wait_until=wait_until)


def log_in(page: Page, username: str, password: str = PASSWORD):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def focus_is_visible(locator: Locator) -> bool:
    """A focused element shows an outline or a box-shadow ring."""
    return locator.evaluate(
        """el => {
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
          return outline || s.boxShadow !== "none";
        }"""
    )


def jpeg_bytes(width: int, height: int) -> bytes:
    """A photo-like JPEG (sky, sea, a hull) so screenshots show where it is placed and cropped."""
    img = Image.new("RGB", (width, height), (150, 170, 190))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, height * 3 // 5, width, height], fill=(40, 70, 100))
    draw.polygon(
        [(width // 5, height * 3 // 5), (width * 4 // 5, height * 3 // 5), (width * 3 // 4, height * 7 // 10),
         (width // 4, height * 7 // 10)],
        fill=(80, 80, 85),
    )  # fmt: skip
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def pick_autocomplete(page: Page, select_id: str, text: str):
    """Choose `text` in one of the admin's autocomplete (select2) widgets by typing, like an editor."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(page.locator(f"#{select_id} option:checked", has_text=text)).to_have_count(1)


def tab_to(page: Page, target: Locator, limit: int = 40):
    """Press Tab until `target` has focus, checking that every stop on the way shows where focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert focus_is_visible(focused), "focus not visible on " + focused.evaluate("e => e.outerHTML")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached after {limit} presses of Tab")
