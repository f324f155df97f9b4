"""The reader's journey in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is built from the real data into a temporary directory with its site_url set to the
loopback address the test server listens on (Material's instant previews need it), then served
by a thread of this process. In CI (CI=true) a missing browser fails; elsewhere it skips.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

# The browser, site_url and page fixtures live in conftest.py (shared with test_search and test_browse).
from tests.conftest import _build, _serve, free_port, make_project

pytestmark = pytest.mark.browser


def _search(pg, site_url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    pg.goto(site_url)
    pg.locator("label.md-search__icon, .md-search__input").first.click()
    pg.locator("input.md-search__input").press_sequentially(query, delay=20)
    first = pg.locator(".md-search-result__item a").first
    first.wait_for(timeout=10_000)
    return pg.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => new URL(e.href).pathname)")


@pytest.mark.parametrize("query, expected", [
    ("CCL", "/terms/critical-capability-level/"),
    ("Critical Capability Level", "/terms/critical-capability-level/"),
    ("ASL", "/terms/ai-safety-level/"),
    ("AI Safety Level", "/terms/ai-safety-level/"),
    ("Preparedness", "/terms/preparedness-framework/"),
    ("RSP", "/terms/responsible-scaling-policy/"),
    ("BSL", "/terms/biosafety-level/"),
    ("red teaming", "/terms/red-teaming/"),
])
def test_search_puts_the_term_first(page, site_url: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    results = _search(page, site_url, query)
    assert results[0] == expected, results[:5]


def test_reader_journey_search_hover_backlink_compare(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    assert _search(page, site_url, "CCL")[0] == "/terms/critical-capability-level/"
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_url("**/terms/critical-capability-level/**")
    assert page.locator("h1").inner_text().startswith("Critical Capability Level")
    # hovering a linked mention shows the linked term's summary without leaving the page
    link = page.locator("article a[data-preview][href='../google-deepmind/']").first
    link.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=10_000)
    assert "develops the Gemini models" in tooltip.inner_text()
    assert urlparse(page.url).path == "/terms/critical-capability-level/"
    # follow "Referenced by" to another term
    page.mouse.move(0, 0)
    backlink = page.locator("#referenced-by + ul a[href^='../']").first
    target = urlparse(urljoin(page.url, backlink.get_attribute("href") or "")).path
    backlink.click()
    page.wait_for_url(f"**{target}")
    assert urlparse(page.url).path == target and target != "/terms/critical-capability-level/"
    assert page.locator("h1").count() == 1
    # the comparison page shows the side-by-side ladders and the timeline
    page.goto(f"{site_url}frameworks/compare/")
    for figure in ("#comparison-figure svg", "#timeline-figure svg"):
        box = page.locator(figure).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, figure
    assert page.locator("#comparison-figure svg rect.gl-box").count() >= 12
    assert page.locator("#comparison-figure svg line.gl-map").count() >= 1
    assert page.locator("#timeline-figure svg circle.gl-dot").count() >= 10
    assert page.locator("#comparison-figure svg > title").text_content() == "The frameworks' levels side by side"


def test_level_link_opens_the_framework_page_at_its_anchor(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site_url}terms/ai-safety-level/")
    page.locator("article a[href='../../frameworks/anthropic-rsp/#asl-3']").first.click()
    page.wait_for_url("**/frameworks/anthropic-rsp/#asl-3")
    assert page.locator("#asl-3").is_visible()
    top = page.locator("#asl-3").bounding_box()["y"]
    assert 0 <= top < 300, top
    ladder = page.locator("#ladder-anthropic-rsp-figure svg")
    assert ladder.bounding_box()["width"] > 300


def test_abbreviations_have_expansions_on_hand_written_pages(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site_url}about/")
    for abbr, title in (("ASL", "AI Safety Level"), ("CCL", "Critical Capability Level"), ("BSL", "Biosafety Level")):
        assert page.locator(f"article abbr[title='{title}']", has_text=abbr).count() >= 1, abbr
    page.goto(f"{site_url}frameworks/anthropic-rsp/")
    assert page.locator("article abbr[title='AI Safety Level']").count() > 0


def test_phone_viewport_is_usable(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    for path in ("", "glossary/", "terms/ai-safety-level/", "frameworks/compare/", "frameworks/elements/"):
        pg.goto(site_url + path)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path}: page is {overflow}px wider than the phone"
        assert pg.locator("label.md-header__button[for='__drawer']").is_visible()
    context.close()


def test_element_matrix_reads_on_a_phone_without_sideways_scrolling(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """One element at a time: every table of the matrix fits the phone's width, so no cell hides off-screen."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(site_url + "frameworks/elements/")
    widths = pg.locator("article table").evaluate_all(
        "ts => ts.map(t => [t.scrollWidth, t.parentElement.clientWidth, t.getBoundingClientRect().right])")
    assert len(widths) == 8
    for scroll, room, right in widths:
        assert scroll <= room + 1 and right <= 376, widths
    context.close()


def test_framework_page_links_to_its_cells_of_the_matrix(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "frameworks/magic-agi-readiness-policy/")
    page.locator("#elements ~ div table a[href*='elements/#halting--']").first.click()
    page.wait_for_url("**/frameworks/elements/#halting--magic-agi-readiness-policy")
    target = page.locator("[id='halting--magic-agi-readiness-policy']")
    assert target.count() == 1 and target.is_visible()
    assert "Magic" in target.inner_text()


@pytest.mark.parametrize("path", ["", "glossary/", "terms/ai-safety-level/", "frameworks/anthropic-rsp/",
                                  "frameworks/compare/", "frameworks/elements/"])
def test_no_serious_accessibility_violations(page, site_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url + path)
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(map(str, serious))


def test_hostile_content_runs_no_script(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import edit

    root = make_project(tmp_path / "hostile")
    edit(root, "data/terms/scaling-policy.yaml", "definition: A scaling policy defines",
         # What check still accepts at the edge: Jinja syntax, tags inside code, an encoded quote in a URL (the raw
         # forms, entity-escaped tags and quotes in URLs, are refused by check: tests/test_bad_input.py).
         "definition: |-\n  {{ 7 * 7 }} {% raw %} `<script>alert(1)</script>` `<img src=x onerror=alert(2)>`\n"
         "  [x](https://example.org/?q=%22onmouseover%3Dalert(3)) A scaling policy defines")
    port = free_port()
    _build(root, port)
    for url in _serve(root / "site", port):
        context = browser.new_context()
        pg = context.new_page()
        dialogs: list[str] = []
        pg.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        pg.goto(url + "terms/scaling-policy/")
        pg.locator("article a").first.hover()
        pg.wait_for_timeout(300)
        text = pg.locator("article").inner_text()
        # Jinja syntax stays text: never evaluated (the port in the page's own address may hold "49")
        assert "{{ 7 * 7 }}" in text and "49" not in text.replace(f"127.0.0.1:{port}", "")
        assert "<script>alert(1)</script>" in text
        assert pg.locator("article script:not([type='application/ld+json']), article img[onerror], article [onmouseover]").count() == 0
        assert dialogs == []
        context.close()


def test_cite_block_has_copy_buttons_that_copy_the_bibtex(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.goto(f"{site_url}terms/ai-safety-level/")
    buttons = pg.locator("article button[title='Copy to clipboard']")
    assert buttons.count() == 2  # BibTeX and the plain citation
    buttons.first.click()
    copied = pg.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{ai-safety-level,") and "url = {" in copied
    context.close()
