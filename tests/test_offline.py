"""The offline copy (``build --offline``, what ``make site`` writes): a zip that works from file://, search included.

Opened in headless Chromium straight from the unpacked folder, with no server: search finds a
term, its result opens the term page, and nothing is requested from any host.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.build.offline import OFFLINE_FOLDER, OFFLINE_ZIP
from generator.build.pipeline import build_site
from tests.conftest import ARGS, CHROMIUM, make_project

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
    assert (offline_copy / "assets" / "search-index.js").exists() and not (offline_copy / "search").exists()
    for name in ("glossary.json", "glossary.bib", "objects.inv"):
        assert (offline_copy / name).exists()
    home = (offline_copy / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in home and '<script src="assets/javascripts/iframe-worker-shim.js">' in home


# The browser runs in a process of its own: test_browser.py holds this session's Playwright instance,
# and Playwright's sync API allows one per thread.
BROWSE = r"""
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright

folder, chromium, args = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
out = {"errors": [], "foreign": []}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=args)
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.on("pageerror", lambda e: out["errors"].append(str(e)))
    pg.on("request", lambda r: out["foreign"].append(r.url)
          if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    pg.goto((folder / "index.html").as_uri())
    pg.locator("label.md-search__icon, .md-search__input").first.click()
    pg.locator("input.md-search__input").press_sequentially("Safety Level", delay=20)
    first = pg.locator(".md-search-result__item > a").first
    first.wait_for(timeout=15_000)
    out["result"] = first.get_attribute("href")
    first.click()
    pg.wait_for_load_state()
    out["opened"], out["h1"] = pg.url, pg.locator("h1").first.inner_text()
    pg.locator("a[href$='scaling-policy.html']").first.click()
    pg.wait_for_load_state()
    out["followed"] = pg.url
    browser.close()
print(json.dumps(out))
"""


def test_offline_copy_searches_and_navigates_from_file_urls(offline_copy: Path) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (make browser)")
        pytest.skip("Chromium is not installed (make browser installs Debian's package)")
    run = subprocess.run([sys.executable, "-c", BROWSE, str(offline_copy), CHROMIUM, json.dumps(ARGS)],
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    term = (offline_copy / "terms" / "safety-level.html").as_uri()
    assert seen["result"].split("?")[0] == term  # Material adds ?h=<query> to highlight the query
    assert seen["opened"].split("?")[0] == term and seen["h1"].startswith("Safety Level")
    assert seen["followed"] == (offline_copy / "terms" / "scaling-policy.html").as_uri()
    assert seen["errors"] == [], seen["errors"]
    assert seen["foreign"] == [], f"requests to other hosts: {seen['foreign']}"
