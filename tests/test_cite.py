"""Cited from course chapters: one public address, the Sphinx inventory, BibTeX and CSL-JSON.

The inventory tests build small course projects against the glossary's own ``objects.inv``,
offline: a Sphinx project (reStructuredText and MyST Markdown, as Jupyter Book uses) through
intersphinx, and a MkDocs project through mkdocs-autorefs with mkdocstrings' inventory loader.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import sphobjinv

from generator.build import export
from generator.build.inventory import inventory_entries
from generator.build.pipeline import build_site
from generator.commands.main import main
from generator.stages.check import checked_glossary
from generator.stages.validate import load_glossary
from tests.conftest import REPO, edit, make_project

PUBLIC = "https://glossary.courses-ai.dev/g/"
FIXTURE_URL = "https://example.org/fixture/"
CSL_SCHEMA = Path(__file__).parent / "csl-items.schema.json"


@pytest.fixture
def public_address() -> Iterator[str]:
    """GLOSSARY_SITE_URL set to a public address for the duration of a test."""
    old = os.environ.get("GLOSSARY_SITE_URL")
    os.environ["GLOSSARY_SITE_URL"] = PUBLIC
    try:
        yield PUBLIC
    finally:
        if old is None:
            del os.environ["GLOSSARY_SITE_URL"]
        else:
            os.environ["GLOSSARY_SITE_URL"] = old


def site_texts(site: Path) -> dict[str, str]:
    """Every file of a built site as text: gzip and the inventory's zlib body decompressed."""
    texts = {}
    for file in sorted(site.rglob("*")):
        if not file.is_file() or file.suffix in {".png", ".svg", ".ico", ".woff", ".woff2"}:
            continue
        data = file.read_bytes()
        if file.suffix == ".gz":
            data = gzip.decompress(data)
        elif file.name == "objects.inv":
            head, _, body = data.partition(b"zlib.\n")
            data = head + zlib.decompress(body)
        texts[file.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace")
    return texts


# --- one public address ---------------------------------------------------------------------------


def test_every_page_and_export_uses_the_public_address(tmp_path: Path, public_address: str) -> None:
    project = make_project(tmp_path / "p")
    edit(project, "data/site.yaml", "url: https://example.org/fixture/", "url: https://example.org/fixture/\n"
         "repo_url: https://github.com/owner/glossary")
    build_site(project, release=True)
    texts = site_texts(project / "site")
    leaking = [name for name, text in texts.items() if FIXTURE_URL in text]
    assert leaking == [], f"pages or exports still name the data's address: {leaking}"
    page = texts["terms/safety-level/index.html"]
    assert f'<link rel="canonical" href="{PUBLIC}terms/safety-level/">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["@id"] == f"{PUBLIC}terms/safety-level/" and ld["inDefinedTermSet"]["url"] == PUBLIC
    assert f"url = {{{PUBLIC}terms/safety-level/}}" in page
    locs = re.findall(r"<loc>(.*?)</loc>", texts["sitemap.xml"])
    assert locs and all(loc.startswith(PUBLIC) for loc in locs)
    data = json.loads(texts["glossary.json"])
    assert data["glossary"]["url"] == PUBLIC
    assert {t["url"] for t in data["terms"]} == {f"{PUBLIC}terms/{tid}/" for tid in ("red-teaming", "safety-level", "scaling-policy")}
    assert f"<{PUBLIC}terms/safety-level/>" in texts["glossary.skos.ttl"]
    assert f"url = {{{PUBLIC}terms/safety-level/}}" in texts["glossary.bib"]
    assert {item["URL"] for item in json.loads(texts["glossary.csl.json"])} == {t["url"] for t in data["terms"]}
    # the edit links, from repo_url of data/site.yaml
    assert 'href="https://github.com/owner/glossary/edit/main/data/terms/safety-level.yaml"' in page
    chapter = texts["chapters/ch1-basics/index.html"]
    assert 'href="https://github.com/owner/glossary/edit/main/data/chapters.yaml"' in chapter


def test_release_build_refuses_a_placeholder_address(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--release", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"^data/site\.yaml:4:6: G013 release build refused: 'https://example\.org/fixture/' is a placeholder address", err, re.M), err
    assert "GLOSSARY_SITE_URL" in err and "Traceback" not in err
    assert not (project / "site").exists()
    # an ordinary (preview) build of the same data is fine
    assert main(["build", "--root", str(project)]) == 0


@pytest.mark.parametrize("value", ["http://localhost:8000/", "https://docs.example/g/", "https://sub.example.com/"])
def test_release_build_refuses_a_placeholder_from_the_environment(project: Path, value: str, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOSSARY_SITE_URL", value)
    assert main(["build", "--release", "--root", str(project)]) == 1
    assert "$GLOSSARY_SITE_URL:1:1: G013 release build refused" in capsys.readouterr().err


def test_a_malformed_address_in_the_environment_is_a_finding(project: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOSSARY_SITE_URL", "javascript:alert(1)")
    assert main(["check", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "$GLOSSARY_SITE_URL:1:1: G013 'javascript:alert(1)' is not an http(s) URL" in err


def test_mkdocs_yml_has_no_second_address() -> None:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^site_url:", text, re.M) and "!ENV" not in text


def test_pages_workflow_builds_a_release_at_the_pages_address() -> None:
    import yaml

    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    configure = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/configure-pages@"))
    build = next(i for i, s in enumerate(steps) if "make site" in s.get("run", ""))
    assert configure < build
    step_id = steps[configure]["id"]
    assert steps[build]["env"]["GLOSSARY_SITE_URL"] == f"${{{{ steps.{step_id}.outputs.base_url }}}}"
    assert "--release" in steps[build]["run"]


# --- the inventory --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exports of the real data (objects.inv, glossary.bib, glossary.csl.json ...), at the default address."""
    out = tmp_path_factory.mktemp("exports")
    export.write_exports(checked_glossary(REPO), out)
    return out


def test_inventory_lists_terms_levels_thresholds_and_pages(real_exports: Path) -> None:
    inv = sphobjinv.Inventory(real_exports / "objects.inv")
    site = checked_glossary(REPO).site
    assert site is not None and (inv.project, inv.version) == (site.name, site.version)
    found = {(o.domain, o.role, o.name): (o.uri_expanded, o.dispname_expanded) for o in inv.objects}
    assert found[("std", "term", "ai safety level")] == ("terms/ai-safety-level/", "AI Safety Level")
    assert found[("std", "term", "asl")] == ("terms/ai-safety-level/", "ASL")
    assert found[("std", "label", "anthropic-rsp/asl-3")] == ("frameworks/anthropic-rsp/#asl-3", "ASL-3")
    assert found[("std", "doc", "frameworks/anthropic-rsp")][0] == "frameworks/anthropic-rsp/"
    assert found[("std", "doc", "chapters/ch14-generative-models")] == (
        "chapters/ch14-generative-models/", "Chapter 14: Generative Models")
    g = checked_glossary(REPO)
    thresholds = [(fw.id, th.id) for fw in g.frameworks.values() for th in fw.thresholds]
    assert thresholds and all(("std", "label", f"{f}/{t}") in found for f, t in thresholds)
    for t in g.terms.values():
        for name in [t.title, *([t.abbreviation] if t.abbreviation else []), *t.aliases]:
            assert ("std", "term", " ".join(name.lower().split())) in found, name


def test_inventory_is_deterministic_and_titles_win_name_clashes(project: Path) -> None:
    # the check refuses a name two terms share; the inventory stays unambiguous even without it
    edit(project, "data/terms/red-teaming.yaml", "aliases: [red teaming]", "aliases: [red teaming, Safety Level]")
    g, _ = load_glossary(project)
    entries = inventory_entries(g)
    assert entries == sorted(entries)
    owner = {e.name: e.uri for e in entries if e.role == "std:term"}
    assert owner["safety level"] == "terms/safety-level/"  # the title, not red-teaming's alias
    from generator.build.inventory import inventory_bytes

    assert inventory_bytes(g) == inventory_bytes(load_glossary(project)[0])


def _sphinx(src: Path, out: Path) -> tuple[int, str, str]:
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(src), str(out)],
                         capture_output=True, text=True, timeout=300, check=False)
    return run.returncode, run.stdout, run.stderr


def _sphinx_course(root: Path, inventory: Path, term: str) -> Path:
    """A course in Sphinx: an rST chapter and a MyST Markdown chapter citing ``term`` from the glossary."""
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "project = 'Course'\n"
        "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\n"
        f"intersphinx_mapping = {{'glossary': ({PUBLIC!r}, {str(inventory)!r})}}\n"
        "intersphinx_disabled_reftypes = ['*']\n", encoding="utf-8")
    (src / "index.rst").write_text(
        "Chapter one\n===========\n\n"
        f"Frontier developers use an :external+glossary:term:`{term}` ladder.\n"
        "Level :external+glossary:ref:`anthropic-rsp/asl-3` and page :external+glossary:doc:`frameworks/anthropic-rsp`.\n\n"
        ".. toctree::\n\n   myst\n", encoding="utf-8")
    (src / "myst.md").write_text(
        "# Chapter two\n\n"
        f"The {{external+glossary:term}}`{term}` again, as Jupyter Book writes it.\n", encoding="utf-8")
    return src


def test_sphinx_and_myst_resolve_terms_through_the_inventory(tmp_path: Path, real_exports: Path) -> None:
    src = _sphinx_course(tmp_path, real_exports / "objects.inv", "AI Safety Level")
    code, _out, err = _sphinx(src, tmp_path / "html")
    assert code == 0, err
    assert "WARNING" not in err, err
    url = f"{PUBLIC}terms/ai-safety-level/"
    for page in ("index.html", "myst.html"):
        html = (tmp_path / "html" / page).read_text(encoding="utf-8")
        assert f'href="{url}"' in html, page
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert f'href="{PUBLIC}frameworks/anthropic-rsp/#asl-3"' in index
    assert f'href="{PUBLIC}frameworks/anthropic-rsp/"' in index


def test_sphinx_warns_about_a_misspelt_term(tmp_path: Path, real_exports: Path) -> None:
    src = _sphinx_course(tmp_path, real_exports / "objects.inv", "AI Safty Level")
    _code, _out, err = _sphinx(src, tmp_path / "html")
    warnings = [line for line in err.splitlines() if "AI Safty Level" in line]
    assert any("index.rst" in w for w in warnings) and any("myst.md" in w for w in warnings), err


def _mkdocs_course(root: Path, inventory: Path, identifier: str) -> Path:
    """A course in MkDocs: autorefs resolves ``[text][identifier]`` from the glossary's inventory."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: Course\nsite_url: https://course.test/\n"
        "plugins:\n  - autorefs\n  - mkdocstrings:\n      handlers:\n        python:\n          inventories:\n"
        f"            - url: {inventory.as_uri()}\n              base_url: {PUBLIC}\n              domains: [std]\n",
        encoding="utf-8")
    (root / "docs" / "index.md").write_text(f"# Chapter\n\nAn [AI Safety Level][{identifier}] ladder.\n", encoding="utf-8")
    return root


def _mkdocs(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")],
                          cwd=root, capture_output=True, text=True, timeout=300, check=False)


def test_mkdocs_autorefs_resolve_a_term_through_the_inventory(tmp_path: Path, real_exports: Path) -> None:
    root = _mkdocs_course(tmp_path / "course", real_exports / "objects.inv", "ai safety level")
    run = _mkdocs(root)
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="{PUBLIC}terms/ai-safety-level/"' in html


def test_mkdocs_autorefs_warn_about_a_misspelt_term(tmp_path: Path, real_exports: Path) -> None:
    root = _mkdocs_course(tmp_path / "course", real_exports / "objects.inv", "ai safty level")
    run = _mkdocs(root)
    assert "WARNING" in run.stderr and "ai safty level" in run.stderr, run.stderr


# --- BibTeX and CSL-JSON --------------------------------------------------------------------------


def test_bibtex_file_parses_back_one_entry_per_term_keyed_by_id(real_exports: Path) -> None:
    from bibtexparser.middlewares import LatexDecodingMiddleware

    text = (real_exports / "glossary.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    g = checked_glossary(REPO)
    assert [e.key for e in library.entries] == list(g.terms)
    entry = library.entries_dict["ai-safety-level"]
    assert entry.entry_type == "misc"
    assert entry["url"] == "https://example.org/frontier-ai-safety-glossary/terms/ai-safety-level/"
    assert entry["version"] == g.site.version  # type: ignore[union-attr]


def test_bibtex_escapes_what_tex_would_read(project: Path) -> None:
    edit(project, "data/terms/red-teaming.yaml", "title: Red-teaming", r"title: 'R&D 100% {x} \ #1 $5 ~ ^'")
    g = checked_glossary(project)
    text = export.bibtex_text(g)
    assert r"title = {{R\&D 100\% \{x\} \textbackslash{} \#1 \$5 \textasciitilde{} \textasciicircum{}}}" in text
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == [] and len(library.entries) == 3


def test_each_term_page_names_its_citation_key_and_shows_the_file_entry(project: Path) -> None:
    from generator.build.pipeline import generate

    generate(project)
    g = checked_glossary(project)
    page = (project / "content" / "terms" / "safety-level.md").read_text(encoding="utf-8")
    assert "Citation key `safety-level`" in page
    entry = next(e for e in export.bibtex_text(g).split("\n\n") if e.startswith("@misc{safety-level,"))
    assert "\n".join("    " + line for line in entry.strip().splitlines()) in page


def test_csl_json_is_valid_against_the_csl_schema(real_exports: Path) -> None:
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    items = json.loads((real_exports / "glossary.csl.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(items, schema)
    g = checked_glossary(REPO)
    assert [i["id"] for i in items] == list(g.terms)
    asl = next(i for i in items if i["id"] == "ai-safety-level")
    assert asl["type"] == "entry-dictionary" and asl["title"] == "AI Safety Level"
    assert asl["URL"].endswith("/terms/ai-safety-level/") and asl["edition"] == g.site.version  # type: ignore[union-attr]
    reviewed = g.terms["ai-safety-level"].reviewed
    assert asl["issued"] == {"date-parts": [[reviewed.year, reviewed.month, reviewed.day]]}
    assert "accessed" in asl
    broken = [dict(asl, type="glossary-entry")]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
