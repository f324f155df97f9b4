"""The Project: one object for where things are, and a build that leaves the process as it found it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build.pipeline import build_site, generate
from generator.project import Project
from tests.conftest import make_project


def test_project_reads_mkdocs_yml_once(project: Path) -> None:
    p = Project.at(project)
    assert p.root == project.resolve()
    assert p.content_dir == p.root / "content" and p.site_dir == p.root / "site"
    assert p.manifest == p.content_dir / ".generated"
    assert p.permalinks == p.root / "tests" / "permalinks.txt"
    assert Project.at(p) is p
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("site_dir: site", "site_dir: !ENV [NO_SUCH_VARIABLE_X, out]"),
                   encoding="utf-8")
    assert Project.at(project).site_dir == p.root / "out"  # MkDocs' !ENV default


def test_docs_dir_names_the_content_folder(project: Path) -> None:
    """The generator writes where MkDocs reads: ``docs_dir`` of mkdocs.yml, not a fixed "content"."""
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("docs_dir: content", "docs_dir: pages"), encoding="utf-8")
    (project / "content").rename(project / "pages")
    generate(project)
    assert (project / "pages" / "terms" / "safety-level.md").is_file()
    assert (project / "pages" / ".generated").is_file()
    assert not (project / "content").exists()


@pytest.mark.slow
def test_a_build_changes_neither_the_environment_nor_the_working_directory(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dict(os.environ)
    build_site(root)
    assert Path.cwd() == elsewhere
    after = dict(os.environ)
    after.pop("NO_MKDOCS_2_WARNING", None)  # Material for MkDocs sets it when imported (its own code)
    before.pop("NO_MKDOCS_2_WARNING", None)
    assert after == before
    assert (root / "site" / "about" / "index.html").is_file()  # the snippets include resolved from the root
