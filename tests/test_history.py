"""What changed: the history of data/ per edition and date, the page, the Atom feed and ``diff REV`` over pages."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import feedparser
import pytest

from generator.build.feed import feed_xml
from generator.build.history import history
from generator.build.pipeline import generate
from generator.commands.main import main
from generator.stages.check import checked_glossary
from tests.conftest import edit, make_project
from tests.test_permalinks import rename_term

BASE = "https://example.org/fixture/"


def commit(repo: Path, day: str, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                        "-c", "commit.gpgsign=false", *args], env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The fixture project with four commits: first edition 1.0; a definition and claim change;
    edition 1.1 renames a term and, the same day, changes a summary."""
    root = make_project(tmp_path / "repo")
    subprocess.run(["git", "-C", str(root), "init", "-q"], check=True)
    commit(root, "2024-01-10", "first edition")
    edit(root, "data/terms/safety-level.yaml", "A safety level is required", "A safety level is demanded")
    edit(root, "data/terms/safety-level.yaml", "to its newest model.", "to its two newest models.")
    commit(root, "2024-02-10", "definition and claim")
    edit(root, "data/site.yaml", 'version: "1.0"', 'version: "1.1"')
    rename_term(root, "red-teaming", "red-team-testing", redirect=True)
    commit(root, "2024-03-10", "rename")
    edit(root, "data/terms/scaling-policy.yaml", "summary: ", "summary: Newly summarised. ")
    commit(root, "2024-03-10", "summary")
    return root


def test_history_groups_term_changes_per_edition_and_date(repo: Path) -> None:
    h = history(checked_glossary(repo))
    assert h.source == "git"
    assert [(r.edition, r.date.isoformat()) for r in h.releases] == [
        ("1.1", "2024-03-10"), ("1.0", "2024-02-10"), ("1.0", "2024-01-10")]
    newest, middle, first = h.releases
    assert [(c.kind, c.term, c.former, c.fields) for c in newest.changes] == [
        ("renamed", "red-team-testing", "red-teaming", ()),
        ("changed", "safety-level", None, ("definition",)),  # its [[red-teaming]] link followed the rename
        ("changed", "scaling-policy", None, ("summary",))]
    assert [(c.kind, c.term, c.fields) for c in middle.changes] == [("changed", "safety-level", ("definition", "claims"))]
    assert [c.kind for c in first.changes] == ["added"] * 3
    assert h.last_changed["safety-level"] == newest and h.last_changed["red-team-testing"] == newest
    assert newest.anchor == "edition-1-1-2024-03-10"
    assert history(checked_glossary(repo)) == h  # deterministic (and the second time from the cache)


def test_what_changed_page_and_term_pages_link_to_the_feed_entry(repo: Path) -> None:
    generate(repo)
    page = (repo / "content/changes.md").read_text(encoding="utf-8")
    assert "## Edition 1.1, 2024-03-10 { #edition-1-1-2024-03-10 data-search-exclude }" in page
    assert "- [Red-teaming](terms/red-team-testing.md){ data-preview }: renamed, formerly `red-teaming`" in page
    assert "- [Safety Level](terms/safety-level.md){ data-preview }: definition, claims changed" in page
    assert f"[Atom feed]({BASE}changes.xml)" in page
    term = (repo / "content/terms/safety-level.md").read_text(encoding="utf-8")
    assert "Last changed 2024-03-10, in edition 1.1: [what changed](../changes.md#edition-1-1-2024-03-10)." in term


def test_atom_feed_parses_with_one_entry_per_release(repo: Path) -> None:
    g = checked_glossary(repo)
    text = feed_xml(g, history(g))
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Fixture Glossary: what changed"
    assert parsed.feed.id == f"{BASE}changes/"
    assert [link.href for link in parsed.feed.links] == [f"{BASE}changes.xml", f"{BASE}changes/"]
    assert [e.title for e in parsed.entries] == [
        "Edition 1.1, 2024-03-10: 1 renamed, 2 changed", "Edition 1.0, 2024-02-10: 1 changed", "Edition 1.0, 2024-01-10: 3 added"]
    first = parsed.entries[0]
    assert first.link == f"{BASE}changes/#edition-1-1-2024-03-10" and first.id == first.link
    assert first.updated_parsed[:3] == (2024, 3, 10)
    assert "Red-teaming: renamed (formerly red-teaming)" in first.summary
    assert [t.term for t in first.tags] == ["red-team-testing", "safety-level", "scaling-policy"]
    assert feed_xml(g, history(g)) == text


def test_feed_escapes_data_for_xml(project: Path) -> None:
    edit(project, "data/terms/safety-level.yaml", "title: Safety Level", "title: 'Safety & Level \"q\" ; x'")
    g = checked_glossary(project)
    parsed = feedparser.parse(feed_xml(g, history(g)))
    assert not parsed.bozo
    assert any('Safety & Level "q" ; x: reviewed' in e.summary for e in parsed.entries)


def test_shallow_clone_and_plain_folders_fall_back_to_review_dates(repo: Path, tmp_path: Path, project: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow)], check=True, capture_output=True)
    for root in (shallow, project):
        h = history(checked_glossary(root))
        assert h.source == "reviewed"
        g = checked_glossary(root)
        assert {c.term for r in h.releases for c in r.changes} == set(g.terms)
        assert all(r.date == g.terms[c.term].reviewed for r in h.releases for c in r.changes)
        assert all(r.edition == g.site.version for r in h.releases)  # type: ignore[union-attr]
    generate(project)
    term = (project / "content/terms/safety-level.md").read_text(encoding="utf-8")
    assert "[In the change feed](../changes.md#edition-1-0-2024-03-01)" in term


def test_diff_lists_every_generated_page_whose_output_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "data/terms/safety-level.yaml", "summary: A step on a scale of safeguards.", "summary: A step on a scale.")
    assert main(["diff", "HEAD", "--root", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"changed term      {BASE}terms/safety-level/" in out
    pages = {line.split()[-1] for line in out if " page " in line}
    # the term itself, its summary on the A-Z index, on chapter pages and on pages that list it as related
    assert {f"{BASE}terms/safety-level/", f"{BASE}glossary/", f"{BASE}chapters/ch1-basics/",
            f"{BASE}chapters/ch2-more/"} <= pages
    assert f"{BASE}about/" not in pages


def test_diff_markdown_summary_for_the_pull_request(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "data/terms/safety-level.yaml", "summary: A step on a scale of safeguards.", "summary: A step on a scale.")
    assert main(["diff", "HEAD", "--root", str(repo), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Glossary pages this change affects (against `HEAD`)\n\n| status | kind | URL |\n")
    assert f"| changed | page | <{BASE}glossary/> |" in out


def test_ci_writes_the_page_diff_to_the_job_summary() -> None:
    from tests.conftest import REPO

    text = (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    assert "generator diff FETCH_HEAD --format markdown >> \"$GITHUB_STEP_SUMMARY\"" in text
    assert "github.event_name == 'pull_request'" in text


def test_history_dates_are_utc_days() -> None:
    assert dt.datetime.fromtimestamp(0, dt.UTC).date() == dt.date(1970, 1, 1)
