"""Portability: the generated Markdown builds with MkDocs, ProperDocs and Zensical alike.

ProperDocs (the MkDocs 1.x fork) and Zensical (Material for MkDocs' successor, which reads
mkdocs.yml) are installed into venvs of their own under .cache/engines/ from hashed lock files
(requirements/properdocs.txt, requirements/zensical.txt) by ``make engines``, which ``make test``
runs first and this module runs when an engine is missing. Under CI=true an engine that cannot be
installed fails instead of skipping.

Each engine builds a copy of the fixture project after ``generator.build.pipeline.generate``; the
engine-independent post-build step (redirect pages) then runs on each output. The tests assert
what every engine must produce (every term page, every recorded permalink and anchor, strict
mode) and pin down the known differences, so that a change in an engine shows up here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import permalinks as pl
from generator.build.pipeline import generate
from generator.build.redirects import write_redirects
from generator.stages.check import check
from tests.conftest import REPO, make_project
from tests.test_workflows import ensure_tool

pytestmark = pytest.mark.slow

ENGINES = REPO / ".cache" / "engines"


@dataclass(frozen=True)
class Engine:
    name: str

    def command(self, out: Path) -> list[str]:
        """The strict build of mkdocs.yml in the working directory into ``out`` (Zensical: into site_dir)."""
        if self.name == "mkdocs":
            return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)]
        if self.name == "properdocs":
            return [str(self.binary()), "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)]
        return [str(self.binary()), "build", "--strict", "--clean", "-f", "mkdocs.yml"]

    def binary(self) -> Path:
        return ENGINES / self.name / "bin" / self.name

    def ensure(self) -> None:
        if self.name != "mkdocs":
            ensure_tool(self.binary(), f".cache/engines/{self.name}/.installed")

    def build(self, root: Path, out: Path) -> subprocess.CompletedProcess[str]:
        """Build ``root`` into ``out``; returns the finished process (check its return code)."""
        shutil.rmtree(out, ignore_errors=True)
        result = subprocess.run(self.command(out), cwd=root, capture_output=True, text=True, timeout=300, check=False)
        if self.name == "zensical" and result.returncode == 0:  # Zensical has no --site-dir option
            shutil.move(root / "site", out)
        return result


ALL = [Engine("mkdocs"), Engine("properdocs"), Engine("zensical")]


def fixture_project(root: Path) -> Path:
    """The fixture project with one renamed term (a redirect), generated."""
    make_project(root)
    term = root / "data" / "terms" / "red-teaming.yaml"
    term.write_text(term.read_text(encoding="utf-8") + "redirect_from: [red-team]\n", encoding="utf-8")
    generate(root)
    return root


@pytest.fixture(scope="session", params=ALL, ids=lambda e: e.name)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path, Path]:
    """(engine, project, output) after a strict build and the redirect post-build step."""
    engine: Engine = request.param
    engine.ensure()
    root = fixture_project(tmp_path_factory.mktemp(engine.name) / "project")
    out = root.parent / "out"
    result = engine.build(root, out)
    assert result.returncode == 0, f"{engine.name} build failed:\n{result.stdout}\n{result.stderr}"
    glossary, findings = check(root)
    assert not findings
    write_redirects(glossary, out)
    return engine, root, out


def html_of(out: Path, url: str) -> str:
    page = out / url.split("#")[0].lstrip("/") / "index.html"
    assert page.exists(), f"{url}: {page.relative_to(out)} was not built"
    return page.read_text(encoding="utf-8")


def test_every_term_page_is_built(built: tuple[Engine, Path, Path]) -> None:
    engine, root, out = built
    terms = sorted(p.stem for p in (root / "data" / "terms").glob("*.yaml"))
    assert terms == ["red-teaming", "safety-level", "scaling-policy"]
    for term in terms:
        assert (out / "terms" / term / "index.html").is_file(), f"{engine.name}: no page for term {term}"


def test_every_permalink_and_anchor_is_served(built: tuple[Engine, Path, Path]) -> None:
    engine, root, out = built
    glossary, _ = check(root)
    for url in sorted(pl.permalinks(glossary)):
        page = html_of(out, url)
        if "#" in url:
            anchor = url.split("#", 1)[1]
            assert re.search(rf'id="{re.escape(anchor)}"', page), f"{engine.name}: {url} has no anchor"


def test_redirect_pages_work_on_every_engines_output(built: tuple[Engine, Path, Path]) -> None:
    _, _, out = built
    page = (out / "terms" / "red-team" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../red-teaming/"' in page


def test_site_features_survive(built: tuple[Engine, Path, Path]) -> None:
    _, _, out = built
    # abbreviations: generated pages define those they use; hand-written pages include them all
    assert '<abbr title="Safety Level">SL</abbr>' in html_of(out, "/terms/safety-level/")
    # term links carry Material's instant-preview attribute
    chapter = html_of(out, "/chapters/ch1-basics/")
    assert re.search(r'<a data-preview(="")? href="../../terms/safety-level/"', chapter)
    # exclude_docs: the snippet include is not published
    assert not (out / "includes").exists()


@pytest.mark.parametrize("engine", ALL, ids=lambda e: e.name)
@pytest.mark.parametrize("link", ["[broken](no-such-page.md)", "[anchor](glossary/index.md#no-such-anchor)"])
def test_strict_build_fails_on_broken_links(engine: Engine, link: str, tmp_path: Path) -> None:
    engine.ensure()
    root = fixture_project(tmp_path / "project")
    with (root / "content" / "about.md").open("a", encoding="utf-8") as about:
        about.write(f"\n{link}\n")
    assert engine.build(root, tmp_path / "out").returncode != 0


@pytest.mark.parametrize("engine", ALL, ids=lambda e: e.name)
def test_absolute_link_validation_differs_by_engine(engine: Engine, tmp_path: Path) -> None:
    """mkdocs.yml's ``validation: absolute_links: warn`` fails MkDocs and ProperDocs in strict mode;
    Zensical ignores the ``validation`` settings and builds (the generator never writes such links)."""
    engine.ensure()
    root = fixture_project(tmp_path / "project")
    with (root / "content" / "about.md").open("a", encoding="utf-8") as about:
        about.write("\n[absolute](/terms/safety-level/)\n")
    result = engine.build(root, tmp_path / "out")
    assert (result.returncode == 0) == (engine.name == "zensical"), result.stdout + result.stderr
