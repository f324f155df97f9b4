"""Search as a reader uses it: typos, number forms, loose words, abbreviations and aliases.

The browser tests run headless Chromium on the site built from the real data (the fixtures of
test_browser.py) and on a small synthetic glossary; the timing at 5,000 terms is measured by
``make bench`` (benchmarks/bench.py), which would not fit the suite's time budget.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks.bench import _misspell
from benchmarks.synth import synth
from generator.stages.search import KINDS, search_index, search_index_script
from generator.stages.validate import load_glossary
from tests.conftest import REPO, _build, _serve, free_port


def _results(pg, query: str, typed: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    """The results' paths and anchors for ``query``, best first, typed (or pasted) into the search box."""
    box = pg.locator("input.md-search__input")
    if not box.is_visible():
        pg.locator("label.md-header__button[for='__search']").click()
    box.fill("")
    if typed:
        box.press_sequentially(query, delay=5)
    else:
        box.fill(query)
    pg.wait_for_function("q => document.querySelector('[data-gl-search-meta]').dataset.query === q", arg=query)
    return pg.locator(".md-search-result__item > a").evaluate_all(
        "els => els.map(e => new URL(e.href).pathname + new URL(e.href).hash)")


READER_QUERIES = [
    # typos, one or two edits from a title
    ("interpretibility", "/terms/interpretability/"),
    ("responsable", "/terms/responsible-scaling-policy/"),
    ("biosafty", "/terms/biosafety-level/"),
    ("preparedness framwork", "/terms/preparedness-framework/"),
    ("constitutional clasifiers", "/terms/constitutional-classifiers/"),
    ("mechanistic interpretabilty", "/terms/interpretability/"),
    # level and threshold names, with and without the hyphen
    ("ASL3", "/frameworks/anthropic-rsp/#asl-3"),
    ("asl 3", "/frameworks/anthropic-rsp/#asl-3"),
    ("ASL-3", "/frameworks/anthropic-rsp/#asl-3"),
    ("asl-3", "/frameworks/anthropic-rsp/#asl-3"),
    ("BSL3", "/frameworks/biosafety-levels/#bsl-3"),
    ("bsl 4", "/frameworks/biosafety-levels/#bsl-4"),
    ("High", "/frameworks/openai-preparedness/#high"),
    ("critical", "/frameworks/openai-preparedness/#critical"),
    ("cbrn 4", "/frameworks/anthropic-rsp/#cbrn-4"),
    ("alert threshold", "/terms/alert-threshold/"),
    ("security level 3", "/terms/rand-sl3/"),
    ("rand sl3", "/terms/rand-sl3/"),
    # loose words: entries rank above the bibliography
    ("weights theft", "/terms/model-weight-security/"),
    ("reinforcement learning human feedback", "/terms/rlhf/"),
    ("autonomous replication", "/terms/autonomous-replication-and-adaptation/"),
    # abbreviations and aliases
    ("CCL", "/terms/critical-capability-level/"),
    ("RSP", "/terms/responsible-scaling-policy/"),
    ("TCL", "/terms/tracked-capability-level/"),
    ("evals", "/terms/capability-evaluations/"),
    ("red-teamer", "/terms/red-teaming/"),
    ("Seoul commitments", "/terms/frontier-ai-safety-commitments/"),
    ("acceptable use", "/terms/usage-policy/"),
    ("Critical Capability Level", "/terms/critical-capability-level/"),
    # reference titles still match when nothing else does
    ("GPT-5 system card", "/references/#openai-gpt5-system-card"),
    ("transformer circuits", "/references/#transformer-circuits"),
]


def test_reader_queries_find_their_entry_first(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    wrong = []
    for query, expected in READER_QUERIES:
        results = _results(page, query)
        if not results or results[0] != expected:
            wrong.append((query, expected, results[:3]))
    assert wrong == []


def test_the_site_publishes_one_search_index_the_one_readers_load(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """Readers' search loads the glossary's index; Material's plugin is configured (it puts the dialog in the
    header) but the build has it write no index of its own, so nothing is published that no reader loads."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlparse(r.url).path))
    page.goto(site_url)
    assert _results(page, "ASL-3")[0] == "/frameworks/anthropic-rsp/#asl-3"
    page.goto(site_url + "terms/interpretability/")
    assert _results(page, "RSP")[0] == "/terms/responsible-scaling-policy/"
    assert "/assets/search-index.js" in fetched
    assert not [path for path in fetched if path.startswith("/search/")]
    assert page.request.get(site_url + "search/search_index.json").status == 404


def test_every_level_and_threshold_is_its_own_result(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """Each level and threshold label, typed as it is written, finds its own anchor first (after a
    term of the same name, which a reader typing that name wants first); a label that several
    frameworks use finds all of them first."""
    glossary, _ = load_glossary(REPO)
    anchors: dict[str, set[str]] = {}
    for fw in glossary.frameworks.values():
        names = [(lv.label, lv.id) for lv in (fw.scale.levels if fw.scale else [])] + [(t.title, t.id) for t in fw.thresholds]
        for label, anchor in names:
            anchors.setdefault(label, set()).add(f"/frameworks/{fw.id}/#{anchor}")
    page.goto(site_url)
    wrong = []
    for label, expected in sorted(anchors.items()):
        results = _results(page, label)
        entries = [r for r in results if not r.startswith("/terms/")]
        terms_before = len(results) - len(entries) if not entries else results.index(entries[0])
        if set(entries[: len(expected)]) != expected or terms_before > 1:
            wrong.append((label, sorted(expected), results[:3]))
    assert wrong == []


def test_nothing_found_suggests_the_nearest_names(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    assert _results(page, "interprtblty") == []
    meta = page.locator("[data-gl-search-meta]")
    assert "Did you mean" in meta.inner_text()
    suggestion = meta.locator("a").first
    assert suggestion.inner_text() == "Interpretability"
    suggestion.click()
    page.wait_for_url("**/terms/interpretability/")
    assert _results(page, "qqqqzzzzxxxx") == []
    assert meta.locator("a").count() == 0 and "Did you mean" not in meta.inner_text()


def test_search_by_keyboard_alone(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "about/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('input.md-search__input')")
    page.keyboard.type("asl 3")
    page.wait_for_function("() => document.querySelector('[data-gl-search-meta]').dataset.query === 'asl 3'")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("new URL(document.activeElement.href).hash") == "#asl-3"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.matches('input.md-search__input')")
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('__search').checked") is False
    page.keyboard.press("/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/frameworks/anthropic-rsp/#asl-3")
    assert page.locator("#asl-3").is_visible()


def test_search_on_a_phone(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(site_url)
    pg.locator("label.md-header__button[for='__search']").click()
    assert pg.locator("input.md-search__input").is_visible()
    assert _results(pg, "biosafty")[0] == "/terms/biosafety-level/"
    pg.wait_for_function("document.body.hasAttribute('data-md-scrolllock')")  # Material's full-screen dialog
    first = pg.locator(".md-search-result__item > a").first
    box = first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    first.tap()
    pg.wait_for_url("**/terms/biosafety-level/")
    context.close()


def test_index_holds_every_level_threshold_and_term(tmp_path: Path) -> None:
    glossary, _ = load_glossary(REPO)
    docs = json.loads(search_index(glossary))["docs"]
    urls = {d[1] for d in docs}
    for fw in glossary.frameworks.values():
        for lv in fw.scale.levels if fw.scale else []:
            assert f"frameworks/{fw.id}.md#{lv.id}" in urls
        for th in fw.thresholds:
            assert f"frameworks/{fw.id}.md#{th.id}" in urls
    assert {f"terms/{t}.md" for t in glossary.terms} <= urls
    assert {d[0] for d in docs} <= set(KINDS)
    assert search_index(glossary) == search_index(glossary)
    mark, script = search_index_script(glossary).split("\n", 1)  # the generated mark, then the script
    assert mark.startswith("// <!-- Generated by")
    assert script.startswith("window.glossarySearchIndex = {") and json.loads(script[29:-2]) == json.loads(search_index(glossary))


def test_index_stays_under_one_kib_a_term_at_5000_terms(tmp_path: Path) -> None:
    synth(5000, tmp_path / "big")
    glossary, findings = load_glossary(tmp_path / "big")
    assert findings == []
    size = len(search_index(glossary).encode("utf-8"))
    assert size / 5000 < 1024, f"{size / 5000:.0f} B a term"


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("synthsearch") / "project"
    synth(400, root)  # synth writes a whole project (it refuses a folder it did not create)
    port = free_port()
    _build(root, port)
    glossary, _ = load_glossary(root)
    for url in _serve(root / "site", port):
        yield url, glossary


def test_synthetic_glossary_typos_and_first_result_time(browser, synthetic_site) -> None:  # type: ignore[no-untyped-def]
    """At 400 terms: a title two edits off finds its term first, within 1 s of page load."""
    url, glossary = synthetic_site
    terms = sorted(glossary.terms.values(), key=lambda t: t.id)
    context = browser.new_context()
    pg = context.new_page()
    for term in terms[::97][:4]:
        typo = _misspell(term.title)
        pg.goto(url, wait_until="load")
        started = time.perf_counter()
        results = _results(pg, typo, typed=False)
        took = time.perf_counter() - started
        assert results and urlparse(results[0]).path == f"/terms/{term.id}/", (typo, results[:3])
        assert took < 1.0, f"{typo!r}: first result {took:.2f}s after page load"
    context.close()
