"""Permanent links: the committed manifest (tests/permalinks.txt) and the redirect pages of renamed terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import permalinks as pl
from generator.build.pipeline import build_site
from generator.build.redirects import redirect_page
from generator.commands.main import main
from generator.findings import GlossaryError
from generator.project import PERMALINKS_MANIFEST, Project
from generator.stages.check import check
from tests.conftest import REPO, edit


def rename_term(root: Path, old: str, new: str, redirect: bool) -> None:
    """Rename term ``old`` to ``new`` the way a contributor does: file, id, references to it."""
    file = root / "data" / "terms" / f"{old}.yaml"
    text = file.read_text(encoding="utf-8").replace(f"id: {old}\n", f"id: {new}\n", 1)
    if redirect:
        text += f"redirect_from: [{old}]\n"
    file.unlink()
    (root / "data" / "terms" / f"{new}.yaml").write_text(text, encoding="utf-8")
    for other in [*(root / "data").rglob("*.yaml")]:
        body = other.read_text(encoding="utf-8")
        body = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, body) if other.name != f"{new}.yaml" else body
        other.write_text(body, encoding="utf-8")
    if redirect:  # the substitution above must not have touched the redirect itself
        assert f"redirect_from: [{old}]" in (root / "data" / "terms" / f"{new}.yaml").read_text(encoding="utf-8")


def record(root: Path) -> None:
    assert main(["permalinks", "--root", str(root), "--update"]) == 0


# --- the real data ------------------------------------------------------------------------------------


def test_real_data_keeps_every_recorded_permalink() -> None:
    """Fails when data/ drops or renames a page or anchor that tests/permalinks.txt records."""
    glossary, findings = check(REPO)
    if findings:
        pytest.fail(f"the data check fails ({len(findings)} problems; run `make check`), so permalinks cannot be compared")
    manifest = pl.read_manifest(Project.at(REPO).permalinks)
    assert manifest, f"{PERMALINKS_MANIFEST} is missing or empty: run {pl.UPDATE_COMMAND}"
    result = pl.compare(glossary, manifest)
    assert not result.dropped, "permanent links dropped without a redirect:\n" + "\n".join(
        f"  {url}: {result.hint(url)}" for url in result.dropped)


def test_committed_manifest_is_sorted_and_as_the_update_command_writes_it() -> None:
    text = (Project.at(REPO).permalinks).read_text(encoding="utf-8")
    urls = [line for line in text.splitlines() if not line.startswith("#")]
    assert urls == sorted(set(urls)), f"{PERMALINKS_MANIFEST} is not sorted and unique: run {pl.UPDATE_COMMAND}"
    assert text == pl.format_manifest(set(urls))


# --- the fixture -----------------------------------------------------------------------------------


def test_permalinks_cover_terms_frameworks_levels_thresholds_references_and_sections(project: Path) -> None:
    glossary, findings = check(project)
    assert not findings
    urls = pl.permalinks(glossary)
    for url in ["/", "/terms/safety-level/", "/terms/red-teaming/", "/frameworks/alpha/", "/frameworks/alpha/#al-2",
                "/frameworks/alpha/#bio-1", "/frameworks/beta/#bl-1", "/references/#alpha-policy",
                "/chapters/ch1-basics/", "/chapters/ch1-basics/#levels", "/chapters/ch2-more/#evals"]:
        assert url in urls


def test_update_is_deterministic_and_check_passes_after_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record(project)
    first = (Project.at(project).permalinks).read_bytes()
    record(project)
    assert (Project.at(project).permalinks).read_bytes() == first
    capsys.readouterr()
    assert main(["permalinks", "--root", str(project)]) == 0
    assert "ok: every recorded permanent link is still served" in capsys.readouterr().out


def test_missing_manifest_is_an_error_that_says_how_to_create_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["permalinks", "--root", str(project)]) == 1
    assert "make permalinks" in capsys.readouterr().err


def test_renamed_term_without_redirect_fails_naming_the_url_and_the_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record(project)
    rename_term(project, "red-teaming", "red-team-testing", redirect=False)
    capsys.readouterr()
    assert main(["permalinks", "--root", str(project)]) == 1
    out = capsys.readouterr()
    assert re.search(r"tests/permalinks\.txt:\d+:1: G006 dropped: /terms/red-teaming/ ", out.err)
    assert "add `redirect_from: [red-teaming]` to data/terms/red-team-testing.yaml" in out.err
    assert "added: /terms/red-team-testing/" in out.out


def test_renamed_term_with_redirect_keeps_the_old_url_answering(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record(project)
    rename_term(project, "red-teaming", "red-team-testing", redirect=True)
    capsys.readouterr()
    assert main(["permalinks", "--root", str(project)]) == 0, capsys.readouterr().err
    build_site(project)
    site = project / "site"
    assert (site / "terms" / "red-team-testing" / "index.html").exists()
    page = (site / "terms" / "red-teaming" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../red-team-testing/">' in page
    assert '<link rel="canonical" href="https://example.org/fixture/terms/red-team-testing/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="../red-team-testing/">Red-teaming</a>' in page
    assert "<script" not in page


def test_dropped_anchor_fails_and_says_to_restore_it_or_update_on_purpose(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record(project)
    edit(project, "data/chapters.yaml", "id: evals", "id: evaluations")
    capsys.readouterr()
    assert main(["permalinks", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "dropped: /chapters/ch2-more/#evals" in err and "restore the id" in err
    # dropping it on purpose: re-record, and the check passes again
    record(project)
    assert main(["permalinks", "--root", str(project)]) == 0


def test_removing_a_redirect_later_is_caught(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rename_term(project, "red-teaming", "red-team-testing", redirect=True)
    record(project)
    assert "/terms/red-teaming/" in pl.read_manifest(Project.at(project).permalinks)
    edit(project, "data/terms/red-team-testing.yaml", "redirect_from: [red-teaming]\n", "")
    assert main(["permalinks", "--root", str(project)]) == 1
    assert "dropped: /terms/red-teaming/" in capsys.readouterr().err


def test_bad_data_reports_findings_not_a_traceback(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "data/terms/red-teaming.yaml", "category: practice", "category: nonsense")
    assert main(["permalinks", "--root", str(project)]) == 1
    assert "data/terms/red-teaming.yaml:" in capsys.readouterr().err


def test_redirect_page_escapes_and_needs_no_script() -> None:
    page = redirect_page("old-id", "new-id", 'A <b> & "c"', None)
    assert '<link rel="canonical" href="../new-id/">' in page
    assert "A &lt;b&gt; &amp; &quot;c&quot;" in page and "<script" not in page


def test_redirect_may_not_replace_a_live_page(project: Path, tmp_path: Path) -> None:
    from generator.build.redirects import write_redirects

    rename_term(project, "red-teaming", "red-team-testing", redirect=True)
    glossary, _ = check(project)
    site = tmp_path / "out"
    (site / "terms" / "red-teaming").mkdir(parents=True)
    (site / "terms" / "red-teaming" / "index.html").write_text("<html>a real page</html>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="already has a page at terms/red-teaming/"):
        write_redirects(glossary, site)
