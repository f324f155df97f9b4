"""Browsing without search: the A–Z filters, the framework pages' term lists, the home page's
paths in, and every page kind on a phone and by keyboard, checked with axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build.pipeline import generate
from generator.stages.validate import load_glossary
from tests.conftest import REPO, make_project

PAGE_KINDS = {
    "home": "",
    "A–Z": "glossary/",
    "term": "terms/ai-safety-level/",
    "framework": "frameworks/anthropic-rsp/",
    "frameworks": "frameworks/",
    "comparison": "frameworks/compare/",
    "chapters": "chapters/",
    "chapter": "chapters/ch14-generative-models/",
    "references": "references/",
    "about": "about/",
}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def glossary():  # type: ignore[no-untyped-def]
    g, findings = load_glossary(REPO)
    assert findings == []
    return g


def _visible_terms(pg) -> list[str]:  # type: ignore[no-untyped-def]
    return pg.locator("li.gl-term:visible > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")


def test_az_filters_narrow_the_list_and_count_what_each_leaves(page, site_url: str, glossary) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "glossary/")
    total = len(glossary.terms)
    assert len(_visible_terms(page)) == total
    assert page.locator("#gl-filter-status").inner_text() == f"{total} terms"
    practice = sorted(t.id for t in glossary.terms.values() if t.category == "practice")
    assert page.locator("label[for='gl-category-practice'] .gl-count").inner_text() == str(len(practice))
    page.locator("label[for='gl-category-practice']").click()
    shown = _visible_terms(page)
    assert sorted(h.split("/")[-2] for h in shown) == practice
    assert page.locator("#gl-filter-status").inner_text() == f"{len(practice)} of {total} terms shown"
    # the framework counts now say how many practice terms each framework would leave
    counts = {fid: int(page.locator(f"label[for='gl-framework-{fid}'] .gl-count").inner_text())
              for fid in glossary.frameworks}
    for fid, n in counts.items():
        page.locator(f"label[for='gl-framework-{fid}']").click()
        assert len(_visible_terms(page)) == n, fid
    # letters left without a term disappear, with their link in the letter bar
    hidden = page.locator("h2[id^='letter-']:not(:visible)").evaluate_all("els => els.map(e => e.id)")
    assert hidden, "some letter should be empty under a narrow filter"
    for anchor in hidden:
        assert "gl-empty" in (page.locator(f".gl-letters a[href='#{anchor}']").get_attribute("class") or "")
    page.locator("label[for='gl-category-all']").click()
    page.locator("label[for='gl-framework-all']").click()
    assert len(_visible_terms(page)) == total


def test_az_filters_by_keyboard_alone(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "glossary/")
    first_link = page.locator(".gl-letters a").first
    first_link.focus()
    for _ in range(60):  # tab from the letter bar to the category filter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "gl-category":
            break
    assert page.evaluate("document.activeElement.id") == "gl-category-all"
    outline = page.evaluate("getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
    assert outline != "none", "the focused filter shows where the focus is"
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("document.activeElement.id")
    assert chosen != "gl-category-all" and page.locator(f"#{chosen}").is_checked()
    category = chosen.removeprefix("gl-category-")
    shown = page.locator("li.gl-term:visible").count()
    assert shown == page.locator(f"li.gl-term.gl-category-{category}").count() < page.locator("li.gl-term").count()


def test_az_filters_on_a_phone(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(**PHONE)
    pg = context.new_page()
    pg.goto(site_url + "glossary/")
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    for label in pg.locator(".gl-filter label").all():
        box = label.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 24
    pg.locator("label[for='gl-category-organisation']").tap()
    assert 0 < pg.locator("li.gl-term:visible").count() < pg.locator("li.gl-term").count()
    context.close()


def test_ladders_and_comparison_on_a_phone_and_by_keyboard(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(**PHONE)
    pg = context.new_page()
    for path in ("frameworks/anthropic-rsp/", "frameworks/compare/", "frameworks/"):
        pg.goto(site_url + path)
        assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, path
        for svg in pg.locator("figure.gl-figure svg").all():
            # the picture keeps a legible scale: at least 0.6 of its drawn size
            scale = svg.evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
            assert scale >= 0.6, (path, scale)
    pg.goto(site_url + "frameworks/anthropic-rsp/")
    rung = pg.locator("#ladder-anthropic-rsp-figure svg a[href='#asl-3']")
    rung.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/frameworks/anthropic-rsp/#asl-3")
    pg.goto(site_url + "frameworks/compare/")
    figure = pg.locator("#timeline-figure")
    figure.focus()
    assert pg.evaluate("document.activeElement.id") == "timeline-figure"
    before = figure.evaluate("f => f.scrollLeft")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_timeout(200)
    assert figure.evaluate("f => f.scrollLeft") > before, "the keyboard scrolls a wide picture"
    context.close()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_page_kind_has_no_serious_accessibility_violations(browser, site_url: str, phone: bool) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(**(PHONE if phone else {"viewport": {"width": 1280, "height": 900}}))
    pg = context.new_page()
    found = {}
    for kind, path in PAGE_KINDS.items():
        pg.goto(site_url + path)
        violations = Axe().run(pg).response["violations"]
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[kind] = serious
    # the search dialog, open with results
    pg.goto(site_url)
    if phone:
        pg.locator("label.md-header__button[for='__search']").click()
    pg.locator("input.md-search__input").fill("asl 3")
    pg.wait_for_selector(".md-search-result__item")
    pg.wait_for_function("['.md-search__inner', '.md-search__output'].every("
                         "s => getComputedStyle(document.querySelector(s)).opacity === '1')")  # Material fades it in
    pg.wait_for_timeout(300)
    violations = Axe().run(pg).response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")]
    if serious:
        found["search"] = serious
    context.close()
    assert found == {}


def test_framework_pages_list_the_terms_they_use(tmp_path: Path, glossary) -> None:
    """The list holds every term the page links to, and otherwise only terms the framework's own
    data mentions (by title, abbreviation or alias; e.g. in statements shown on other pages)."""
    root = make_project(tmp_path / "project", data=REPO / "data")
    generate(root)
    for fid in glossary.frameworks:
        text = (root / "content" / "frameworks" / f"{fid}.md").read_text(encoding="utf-8")
        body, listed = text.split("{ #terms-used data-search-exclude }", 1)
        listed = listed.split("\n## ", 1)[0]
        linked = set(re.findall(r"\(\.\./terms/([a-z0-9-]+)\.md\)", body))
        shown = set(re.findall(r"^- \[[^\]]+\]\(\.\./terms/([a-z0-9-]+)\.md\)", listed, re.M))
        assert linked <= shown, (fid, linked - shown)
        source = (REPO / "data" / "frameworks" / f"{fid}.yaml").read_text(encoding="utf-8").casefold()
        for tid in shown - linked:
            t = glossary.terms[tid]
            names = [t.title, *t.aliases] + ([t.abbreviation] if t.abbreviation else [])
            assert any(n.casefold() in source for n in names) or f"[[{tid}" in source, (fid, tid)


def test_home_page_starts_from_the_data(tmp_path: Path, glossary) -> None:
    root = make_project(tmp_path / "project", data=REPO / "data")
    generate(root)
    home = (root / "content" / "index.md").read_text(encoding="utf-8")
    path = home.split("## A path through the basics", 1)[1].split("\n## ", 1)[0]
    ids = re.findall(r"^1\. \[[^\]]+\]\(terms/([a-z0-9-]+)\.md\)", path, re.M)
    introduced = [t for ch in sorted(glossary.chapters, key=lambda c: c.number) for s in ch.sections
                  for t in s.introduces if glossary.terms[t].category != "organisation"]
    assert ids == list(dict.fromkeys(introduced))[:8] and len(ids) >= 5
    start = home.split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- \[", start, re.M)) == min(8, len(glossary.terms))
