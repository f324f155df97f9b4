"""``diff REV``: pages and anchors affected by data changes, against a temporary git repository."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.commands import main as cli
from tests.conftest import edit, make_project

BASE = "https://example.org/fixture/"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose project lives in a subdirectory, with the fixture committed."""
    root = make_project(tmp_path / "repo" / "glossary")
    git(tmp_path / "repo", "init", "-q")
    git(tmp_path / "repo", "add", "-A")
    git(tmp_path / "repo", "commit", "-q", "-m", "fixture")
    return root


def run(root: Path, rev: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    """The exit code, the record-level lines (generated pages are tested in test_history.py), stderr."""
    code = cli.main(["diff", rev, "--root", str(root)])
    captured = capsys.readouterr()
    records = [line for line in captured.out.splitlines()
               if not re.match(r"(added|changed|removed) +page ", line) and not line.startswith("generated pages not compared")]
    return code, records, captured.err


def test_diff_lists_changed_pages_and_anchors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "data/terms/safety-level.yaml", "summary: A step on a scale of safeguards.", "summary: A step on a scale.")
    edit(repo, "data/references.yaml", "  - id: beta-standard\n    title: Beta Safety Standard\n    publisher: Beta Institute\n"
         "    authors: [Ada Example]\n    date: 2023-05-01\n    url: https://example.org/beta\n    kind: standard\n", "")
    edit(repo, "data/frameworks/alpha.yaml", "      summary: Some risk.", "      summary: Elevated risk.")
    edit(repo, "data/chapters.yaml", "    title: More", "    title: More basics")
    shutil.copy(repo / "data/terms/scaling-policy.yaml", repo / "data/terms/frontier-model.yaml")
    edit(repo, "data/terms/frontier-model.yaml", "id: scaling-policy", "id: frontier-model")
    code, out, err = run(repo, "HEAD", capsys)
    assert (code, err) == (0, "")
    assert out == [
        f"added   term      {BASE}terms/frontier-model/",
        f"changed term      {BASE}terms/safety-level/",
        f"changed framework {BASE}frameworks/alpha/",
        f"changed level     {BASE}frameworks/alpha/#al-2",
        f"removed reference {BASE}references/#beta-standard",
        f"changed chapter   {BASE}chapters/ch2-more/",
    ]


def test_diff_reports_a_renamed_term_as_moved(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "data/terms/red-teaming.yaml").rename(repo / "data/terms/adversarial-testing.yaml")
    edit(repo, "data/terms/adversarial-testing.yaml", "id: red-teaming", "id: adversarial-testing\nredirect_from: [red-teaming]")
    code, out, _ = run(repo, "HEAD", capsys)
    assert code == 0
    assert out == [f"added   term      {BASE}terms/adversarial-testing/",
                   f"moved   term      {BASE}terms/red-teaming/  (now {BASE}terms/adversarial-testing/)"]


def test_diff_without_changes_and_against_older_commits(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(repo, "HEAD", capsys)[1] == ["no page or anchor changes between HEAD and the working tree"]
    edit(repo, "data/terms/red-teaming.yaml", "reviewed: 2024-03-01", "reviewed: 2024-04-01")
    git(repo.parent, "commit", "-q", "-am", "review")
    assert run(repo, "HEAD~1", capsys)[1] == [f"changed term      {BASE}terms/red-teaming/"]
    assert run(repo, "HEAD", capsys)[1] == ["no page or anchor changes between HEAD and the working tree"]


def test_diff_errors_are_findings(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(repo, "no-such-rev", capsys)
    assert code == 1 and "no-such-rev:1:1: G011 'no-such-rev' is not a commit of the repository" in err
    line = edit(repo, "data/terms/red-teaming.yaml", "category: practice", "category: practise")
    code, _, err = run(repo, "HEAD", capsys)
    assert code == 1 and f"data/terms/red-teaming.yaml:{line}:11: G002 category:" in err
    git(repo.parent, "commit", "-q", "-am", "broken")
    edit(repo, "data/terms/red-teaming.yaml", "category: practise", "category: practice")
    code, _, err = run(repo, "HEAD", capsys)
    assert code == 1 and f"HEAD:data/terms/red-teaming.yaml:{line}:11: G002 category:" in err
    outside = make_project(tmp_path / "outside")
    code, _, err = run(outside, "HEAD", capsys)
    assert code == 1 and "is not inside a git repository" in err and "Traceback" not in err


def test_diff_against_a_revision_without_data(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty_tree = subprocess.run(["git", "-C", str(repo), "hash-object", "-t", "tree", "-w", "--stdin"], input="",
                                capture_output=True, text=True, check=True).stdout.strip()
    empty = git(repo, "commit-tree", empty_tree, "-m", "empty").strip()
    code, out, err = run(repo, empty, capsys)
    assert (code, err) == (0, "")
    assert out[0] == f"added   term      {BASE}terms/red-teaming/"
    assert {line.split()[1] for line in out} == {"term", "framework", "level", "threshold", "reference", "chapter"}
    assert all(line.startswith("added ") for line in out) and len(out) == 3 + 2 + 4 + 1 + 2 + 2
