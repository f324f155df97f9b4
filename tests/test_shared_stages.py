"""The load and link stages shared by processes give what one process gives, and a good load works out no marks."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from generator import workers
from generator.build.pipeline import build_site
from generator.findings import Finding, GlossaryError
from generator.stages import link, validate
from generator.stages.check import check_rules, checked_glossary
from generator.stages.link import link_glossary
from generator.stages.load import Mark, parse_text
from generator.stages.validate import load_glossary

from .conftest import edit


def _sharing(monkeypatch: pytest.MonkeyPatch, module: Any, name: str = "in_processes") -> list[tuple[int, int]]:
    """Every call of ``module``'s ``name`` (:func:`~generator.workers.in_processes` or ``in_processes_after``)
    as (items, jobs), each item its own share's worth."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    calls: list[tuple[int, int]] = []
    shared = getattr(workers, name)

    def spied(*args: Any) -> list[Any]:
        items, jobs = args[-2:]
        calls.append((len(items), jobs))
        return shared(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(module, name, spied)
    return calls


def _contents(glossary: validate.Glossary) -> list[tuple[Any, ...]]:
    return [(r.doc.path, r.base, r.model, r.doc.data, r.doc.text) for r in glossary.records]


def test_data_files_loaded_by_two_processes_give_the_same_glossary_and_findings(project: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Files read in a worker come back whole: the same records, and findings at the same lines and columns,
    those of the load (made in the worker) and those of the rules (made here, on records read in the worker)."""
    edit(project, "data/terms/red-teaming.yaml", "category: practice", "category: practice\ncolour: red")
    edit(project, "data/frameworks/alpha.yaml", "publisher: Alpha Lab", "publisher: yes")
    edit(project, "data/terms/safety-level.yaml", "related: [scaling-policy, red-teaming]", "related: [scaling-policy, no-such-term]")
    calls = _sharing(monkeypatch, validate, "in_processes_after")
    alone, alone_findings = load_glossary(project, jobs=1)
    shared, shared_findings = load_glossary(project, jobs=2)
    assert (5, 2) in calls  # the three terms and two frameworks, shared by two processes (the other files alone)
    assert _contents(shared) == _contents(alone) and shared.unloaded == alone.unloaded == {
        ("term", "red-teaming"), ("framework", "alpha")}
    findings = check_rules(shared, shared_findings)
    assert findings == check_rules(alone, alone_findings)
    where = {f"{f.path}:{f.line}:{f.col}" for f in findings}
    assert {"data/terms/red-teaming.yaml:7:1", "data/frameworks/alpha.yaml:4:12", "data/terms/safety-level.yaml:10:27"} <= where


def test_texts_linked_by_two_processes_give_the_same_links(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    glossary = checked_glossary(project)
    calls = _sharing(monkeypatch, link, "in_processes_after")
    shared, alone = link_glossary(glossary, jobs=2), link_glossary(glossary, jobs=1)
    assert calls[0][1] == 2 and calls[0][0] >= 2
    assert shared == alone and shared.referenced_by and any(text != "" for text in shared.texts.values())


def test_work_done_meanwhile_runs_once_first_and_its_error_stops_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """What runs meanwhile (the rules) runs once, before this process takes any item, while workers already do;
    when it raises, its error is what the caller sees, and no worker is left."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    here, order = os.getpid(), []
    results = workers.in_processes_after(lambda: order.append("first") or time.sleep(0.5), lambda n: (n * n, os.getpid()),
                                         list(range(64)), 2)
    assert [n for n, _ in results] == [n * n for n in range(64)] and order == ["first"]
    assert {pid for _, pid in results} - {here}  # a worker took items while this process ran first

    def failing() -> None:
        raise GlossaryError([Finding("data/terms/x.yaml", 3, 1, "a rule failed")])

    with pytest.raises(GlossaryError, match="a rule failed"):
        workers.in_processes_after(failing, lambda n: time.sleep(0.01) or n, list(range(64)), 2)
    assert not multiprocessing.active_children()
    assert workers.in_processes_after(lambda: order.append("alone"), abs, [-1, -2], 1) == [1, 2] and order[-1] == "alone"


def test_a_build_whose_rules_fail_while_workers_link_reports_the_findings(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules run while workers link data that has not passed them yet: the findings are reported, no worker
    is left, and nothing is written."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    edit(project, "data/terms/safety-level.yaml", "[[red-teaming|", "[[no-such-term|")
    with pytest.raises(GlossaryError) as raised:
        build_site(project, jobs=2)
    assert any(f.path == "data/terms/safety-level.yaml" and "no-such-term" in f.message for f in raised.value.findings)
    assert not multiprocessing.active_children() and not (project / "site").exists()
    assert not (project / "content" / "terms").exists()


def test_a_good_load_works_out_no_marks(project: Path) -> None:
    """Marks are worked out only for a finding: a load of good data and its rules leave every document without."""
    glossary = checked_glossary(project)
    assert glossary.records and all(record.doc._located is None for record in glossary.records)


def test_marks_worked_out_later_point_into_merged_and_nested_values() -> None:
    doc, findings = parse_text("base: &b\n  a: 1\nm:\n  <<: *b\n  c: [x, y]\n", "x.yaml")
    assert doc is not None and not findings and doc._located is None
    assert doc.mark(("m", "c", 1)) == Mark(5, 10)  # the second item of the flow list
    assert doc.mark(("m", "a")) == Mark(2, 6)  # a merged value stands where the merged mapping has it
    assert doc.mark(("m", "c"), key=True) == Mark(5, 3)
    assert doc.mark(("m", "missing", 3)) == doc.mark(("m",)) == Mark(4, 3)  # the nearest ancestor
    assert doc.find_text(("m", "c"), "y") == Mark(5, 10)
