"""``new-term``: the scaffold, the placeholder rule that refuses it, and its errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands import main as cli
from generator.commands import new_term as scaffold
from tests.conftest import REPO, edit, findings_of

NEW = "data/terms/capability-evaluation.yaml"


@pytest.mark.parametrize("title, slug", [
    ("Capability Evaluation", "capability-evaluation"),
    ("  Évaluation des capacités ", "evaluation-des-capacites"),
    ("AI Safety Level 3 (ASL-3)", "ai-safety-level-3-asl-3"),
    ("Red-teaming / red teaming", "red-teaming-red-teaming"),
])
def test_slugify(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug


def test_new_term_scaffold_is_refused_until_filled_in(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new-term", "Capability Evaluation", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"created {project / NEW}" in out and "python -m generator check" in out
    lines = (project / NEW).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/term.schema.json"
    assert lines[1:3] == ["id: capability-evaluation", 'title: "Capability Evaluation"']
    found = [f.format() for f in findings_of(project)]
    summary = lines.index(next(line for line in lines if line.startswith("summary:"))) + 1
    definition = lines.index("definition: >-") + 2
    assert found == [
        f"{NEW}:2:5: G109 term 'capability-evaluation' has no sources (add a 'sources:' list of reference ids)",
        (f"{NEW}:{summary}:11: G124 summary: placeholder 'TODO: one or two plain sentences (at ...' is not filled in "
        "(replace it with the real text)"),
        (f"{NEW}:{definition}:3: G124 definition: placeholder 'TODO: the definition, in Markdown par...' is not filled in "
        "(replace it with the real text)"),
    ]
    edit(project, NEW, f'"{scaffold.SUMMARY_TODO}"', "A test of what a model can do.")
    edit(project, NEW, scaffold.DEFINITION_TODO, "A capability evaluation measures what a model can do.")
    edit(project, NEW, "sources: []", "sources: [beta-standard]")
    assert findings_of(project) == []


def test_placeholder_rule_covers_every_data_file(project: Path) -> None:
    line = edit(project, "data/references.yaml", "title: Beta Safety Standard", 'title: "TODO title"')
    assert [f.format() for f in findings_of(project)] == [
        (f"data/references.yaml:{line}:13: G124 references[1].title: placeholder 'TODO title' is not filled in "
        "(replace it with the real text)")]


def test_new_term_refuses_an_existing_id(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "data/terms/safety-level.yaml").read_bytes()
    assert cli.main(["new-term", "Safety Level", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "data/terms/safety-level.yaml:1:5: G004 term id 'safety-level' already exists (choose another title" in err
    assert (project / "data/terms/safety-level.yaml").read_bytes() == before
    edit(project, "data/terms/scaling-policy.yaml", "category: policy", "category: policy\nredirect_from: [old-policy]")
    assert cli.main(["new-term", "Old policy", "--root", str(project)]) == 1
    assert "data/terms/scaling-policy.yaml:7:17: G004 'old-policy' is a former id of term 'scaling-policy'" in capsys.readouterr().err
    assert not (project / "data/terms/old-policy.yaml").exists()


def test_new_term_usage_errors(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new-term", "Bad *title*", "--root", str(project)]) == 2
    assert "error: title 'Bad *title*': plain text may not contain" in capsys.readouterr().err
    assert cli.main(["new-term", "?!", "--root", str(project)]) == 2
    assert "pass --id" in capsys.readouterr().err
    assert cli.main(["new-term", "Whatever", "--id", "Bad_Id", "--root", str(project)]) == 2
    assert cli.main(["new-term", "Whatever", "--root", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "data:1:1: G004 no data/ directory here" in err and "Traceback" not in err


def test_new_term_with_explicit_id(project: Path) -> None:
    assert cli.main(["new-term", "Frontier AI", "--id", "frontier-model", "--root", str(project)]) == 0
    assert (project / "data/terms/frontier-model.yaml").read_text(encoding="utf-8").splitlines()[1] == "id: frontier-model"


def test_every_check_runs_the_placeholder_rule() -> None:
    """A fresh interpreter that never imports generator.commands.new_term itself still runs the rule."""
    code = "from generator.stages.rules import RULES; print(sorted(r.name for r in RULES))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert "placeholders_are_filled_in" in out
