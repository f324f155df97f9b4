"""The offline copy (``build --offline``, what ``make site`` writes): a zip that works from file://, search included.

Opened in headless Chromium straight from the unpacked folder, with no server: search finds a
term, its result opens the term page, and nothing is requested from any host.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from generator.build.offline import OFFLINE_FOLDER, OFFLINE_ZIP
from generator.build.pipeline import build_site
from tests.conftest import make_project
from tests.test_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("offline") / "project")
    build_site(root, offline=True)
    archive = root / "site" / OFFLINE_ZIP
    out = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert names == sorted(names) and all(n.startswith(f"{OFFLINE_FOLDER}/") for n in names)
        z.extractall(out)
    return out / OFFLINE_FOLDER


def test_offline_copy_holds_plain_html_pages_and_the_exports(offline_copy: Path) -> None:
    assert (offline_copy / "index.html").exists() and (offline_copy / "terms" / "safety-level.html").exists()
    assert (offline_copy / "search" / "search_index.js").exists()
    for name in ("glossary.json", "glossary.bib", "objects.inv"):
        assert (offline_copy / name).exists()
    home = (offline_copy / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in home and '<script src="assets/javascripts/iframe-worker-shim.js">' in home


def test_offline_copy_searches_and_navigates_from_file_urls(browser, offline_copy: Path) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    pg.goto((offline_copy / "index.html").as_uri())
    pg.locator("label.md-search__icon, .md-search__input").first.click()
    pg.locator("input.md-search__input").press_sequentially("Safety Level", delay=20)
    first = pg.locator(".md-search-result__item > a").first
    first.wait_for(timeout=15_000)
    href = (first.get_attribute("href") or "").split("?")[0]  # Material adds ?h=<query> to highlight it
    assert href == (offline_copy / "terms" / "safety-level.html").as_uri(), href
    first.click()
    pg.wait_for_load_state()
    assert pg.url.split("?")[0] == (offline_copy / "terms" / "safety-level.html").as_uri()
    assert pg.locator("h1").first.inner_text().startswith("Safety Level")
    # links between pages resolve as files
    pg.locator("a[href$='scaling-policy.html']").first.click()
    pg.wait_for_load_state()
    assert pg.url.endswith("/terms/scaling-policy.html")
    assert errors == [], errors
    assert foreign == [], f"requests to other hosts: {foreign}"
    context.close()
