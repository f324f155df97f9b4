"""The generator's output for the small fixture, and the write stage's contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.pipeline import generate
from generator.files import write_if_changed
from generator.findings import GlossaryError
from generator.stages.load import parse_text
from tests.conftest import REPO, edit


def test_term_page_shows_definition_links_backlinks_chapters_and_sources(project: Path) -> None:
    generate(project)
    page = (project / "content/terms/safety-level.md").read_text(encoding="utf-8")
    assert page.startswith('---\ntitle: "Safety Level"\n')
    assert "# Safety Level (SL)" in page
    # auto-links: the longest match ("Scaling Policy", not "Policy"), the alias "red teaming",
    # first mention only, and never a link to the page itself
    assert "[Scaling Policy](../terms/scaling-policy.md){ data-preview }" in page
    assert "[adversarial testing](../terms/red-teaming.md" in page
    assert "(../terms/safety-level.md" not in page
    # first mention of the alias "red teaming", the explicit link (always kept), the Related terms list
    assert page.count("](../terms/red-teaming.md") == 3
    assert "## Referenced by" in page and "- [Scaling Policy](../terms/scaling-policy.md" in page
    assert "[Chapter 1: Basics](../chapters/ch1-basics.md), section [Levels](../chapters/ch1-basics.md#levels) (introduced here)" in page
    assert "[Alpha Lab (2024), *Alpha Scaling Policy* v1.0](../references/index.md#alpha-policy)" in page
    assert "(as of 2024-02-01; [Alpha Lab (2024), *Alpha Scaling Policy* v1.0](../references/index.md#alpha-policy), Section 2)" in page
    assert "*Last reviewed 2024-03-01.*" in page


def test_framework_page_has_an_anchor_per_level_and_threshold(project: Path) -> None:
    generate(project)
    page = (project / "content/frameworks/alpha.md").read_text(encoding="utf-8")
    assert "## Alpha Levels { #levels }" in page  # the scale's name with an "s" unless it names its plural
    assert "### AL-1 { #al-1 }" in page and "### AL-2 { #al-2 }" in page
    assert "| [AL-2](#al-2) | 2 | Some risk. | from 2.0 |" in page
    assert "### Bio uplift { #bio-1 }" in page
    assert "*Required when these thresholds are crossed:* [Bio uplift](#bio-1)." in page


def test_az_index_and_references_and_abbreviations(project: Path) -> None:
    generate(project)
    az = (project / "content/glossary/index.md").read_text(encoding="utf-8")
    assert "[R](#letter-r) · [S](#letter-s)" in az
    assert az.index("[Safety Level]") < az.index("[Scaling Policy]")
    refs = (project / "content/references/index.md").read_text(encoding="utf-8")
    assert "{ #alpha-policy }" in refs and "{ #beta-standard }" in refs
    abbr = (project / "content/includes/abbreviations.md").read_text(encoding="utf-8")
    # each definition a block of its own: Python-Markdown's block parser is quadratic in a block of definitions
    assert abbr.endswith("\n\n*[SL]: Safety Level\n\n*[SP]: Scaling Policy\n")


def test_generate_rewrites_only_changed_files_and_removes_orphans(project: Path) -> None:
    first = generate(project).stats
    assert first.unchanged == [] and "terms/red-teaming.md" in first.written
    second = generate(project).stats
    assert second.written == [] and len(second.unchanged) == len(first.written)
    edit(project, "data/terms/red-teaming.yaml", "Adversarial testing of a system", "Adversarial probing of a system")
    third = generate(project).stats
    # exactly the files that show the summary: the term, the lists that quote it (a chapter, a related
    # term, the terms a framework uses), the A-Z index, the home page and the search index
    showing = sorted(p.relative_to(project / "content").as_posix() for p in (project / "content").rglob("*.*")
                     if "Adversarial probing of a system" in p.read_text(encoding="utf-8"))
    assert showing == ["assets/search-index.js", "chapters/ch1-basics.md", "frameworks/alpha.md", "glossary/index.md",
                       "index.md", "terms/red-teaming.md", "terms/safety-level.md"]
    assert sorted(third.written) == showing
    (project / "data/terms/red-teaming.yaml").unlink()
    edit(project, "data/terms/safety-level.yaml", "related: [scaling-policy, red-teaming]", "related: [scaling-policy]")
    edit(project, "data/terms/safety-level.yaml", "  See also [[red-teaming|adversarial testing]].\n", "")
    edit(project, "data/chapters.yaml", "discusses: [red-teaming]", "discusses: []")
    fourth = generate(project).stats
    assert fourth.removed == ["terms/red-teaming.md"]
    assert not (project / "content/terms/red-teaming.md").exists()
    assert (project / "content/about.md").exists()


def test_generate_never_overwrites_a_hand_written_page(project: Path) -> None:
    (project / "content/glossary").mkdir()
    mine = '# My own page\n\n--8<-- "abbreviations.md"\n'
    (project / "content/glossary/index.md").write_text(mine, encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        generate(project)
    assert err.value.findings[0].format() == (
        "content/glossary/index.md:1:1: G007 a hand-written page is in the way of a generated one "
        "(move or rename the hand-written page; generated pages are listed in content/.generated "
        "and carry the generated mark on their first line)")
    assert (project / "content/glossary/index.md").read_text() == mine


def test_merge_keys_are_expanded_and_explicit_keys_win() -> None:
    doc, findings = parse_text("base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\n", "x.yaml")
    assert findings == [] and doc is not None
    assert doc.data["m"] == {"a": 1, "b": 3}


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc, findings = parse_text(f"x: !!python/object/apply:os.system ['touch {marker}']\n", "x.yaml")
    assert doc is None and findings and not marker.exists()


def test_cli_check_dangling_related_id_exits_1_with_place_and_no_traceback(project: Path) -> None:
    edit(project, "data/terms/safety-level.yaml", "related: [scaling-policy, red-teaming]", "related: [scaling-polcy, red-teaming]")
    run = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(project)],
                         capture_output=True, text=True, cwd=REPO, check=False)
    assert run.returncode == 1
    assert run.stderr.splitlines()[0] == (
        "data/terms/safety-level.yaml:10:11: G103 related: unknown term 'scaling-polcy' (did you mean 'scaling-policy'?)")
    assert "Traceback" not in run.stderr + run.stdout


def test_cli_check_github_format_prints_annotations(project: Path) -> None:
    edit(project, "data/terms/safety-level.yaml", "related: [scaling-policy, red-teaming]", "related: [nope, red-teaming]")
    run = subprocess.run([sys.executable, "-m", "generator", "check", "--format", "github", "--root", str(project)],
                         capture_output=True, text=True, cwd=REPO, check=False)
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == (
        "::error file=data/terms/safety-level.yaml,line=10,col=11,title=G103::related: unknown term 'nope' (add the term or fix the id)")


def test_committed_json_schemas_match_the_models() -> None:
    from generator.model.schema import write_schemas

    assert write_schemas(REPO, check_only=True) == [], "run: python -m generator schema"


def test_every_data_file_points_to_its_schema() -> None:
    for file in sorted((REPO / "data").rglob("*.yaml")):
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), file
        schema = (file.parent / first.split("=", 1)[1]).resolve()
        assert schema.is_file(), f"{file}: {schema} does not exist"


def test_long_builds_report_progress_and_a_summary(tmp_path: Path) -> None:
    root = tmp_path / "big"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "220", str(root)], cwd=REPO, check=True,
                   capture_output=True)
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root)], cwd=REPO,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    pages = len([p for p in (root / "content").rglob("*.md") if "includes" not in p.parts])
    step = -(-pages // 10)
    assert f"... Markdown rendered: {step}/{pages} pages (10%)" in lines
    assert f"... HTML written: {pages}/{pages} pages (100%)" in lines
    summary = next(line for line in lines if line.startswith("built "))
    from generator.stages.write import read_manifest

    assert f"pages written {len(read_manifest(root / 'content'))}, unchanged 0, removed 0" in summary
    assert next(line for line in lines if line.startswith("stages: ")).count("s,") >= 5


def test_generate_recovers_when_its_manifest_is_lost(project: Path) -> None:
    """Every generated file carries the generated mark, so a lost content/.generated blocks nothing."""
    first = generate(project).stats
    (project / "content" / ".generated").unlink()
    again = generate(project).stats
    assert again.written == [] and sorted(again.unchanged) == sorted(first.written)
    assert (project / "content" / ".generated").exists()


def test_term_page_marks_levels_a_later_version_retired(project: Path) -> None:
    edit(project, "data/frameworks/alpha.yaml", "      safeguards: [Standard practice.]\n",
         '      safeguards: [Standard practice.]\n      retired_in: "2.0"\n')
    generate(project)
    page = (project / "content/terms/safety-level.md").read_text(encoding="utf-8")
    assert "| [AL-1](../frameworks/alpha.md#al-1) (retired in version 2.0) | No meaningful risk. |" in page
    assert "| [AL-2](../frameworks/alpha.md#al-2) | Some risk. |" in page
    framework = (project / "content/frameworks/alpha.md").read_text(encoding="utf-8")
    assert "| [AL-1](#al-1) | 1 | No meaningful risk. | from the first version, retired in 2.0 |" in framework


def test_a_scale_can_name_its_plural(project: Path) -> None:
    edit(project, "data/frameworks/alpha.yaml", "  name: Alpha Level\n", "  name: Alpha Level\n  plural: Levels of Alpha\n")
    generate(project)
    page = (project / "content/frameworks/alpha.md").read_text(encoding="utf-8")
    assert "## Levels of Alpha { #levels }" in page
    assert "<figcaption>The Levels of Alpha of the Alpha Scaling Policy across its versions, marked retired when not in force in version 2.0" in page
    assert "*Levels of Alpha in force in this version:* [AL-1](#al-1)." in page


def test_public_api_is_what_it_claims() -> None:
    """The package exports exactly its documented surface; everything else is internal."""
    import generator

    assert sorted(generator.__all__) == ["Finding", "GlossaryError", "build_site", "check", "generate"]
    for name in generator.__all__:
        assert getattr(generator, name).__doc__, name


def test_write_if_changed_keeps_an_unchanged_file_untouched(tmp_path: Path) -> None:
    file = tmp_path / "a" / "b.txt"
    assert write_if_changed(file, "x") is True
    stamp = file.stat().st_mtime_ns
    assert write_if_changed(file, b"x") is False and file.stat().st_mtime_ns == stamp
    assert write_if_changed(file, "y") is True and file.read_text(encoding="utf-8") == "y"
    assert sorted(p.name for p in file.parent.iterdir()) == ["b.txt"]  # no temporary file left
