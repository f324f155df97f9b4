"""The preview's incremental path gives the same pages and site as a full generation and build.

The incremental generator re-renders only the pages whose reads an edit changed
(generator/stages/dependencies.py); these tests make random edits to the real glossary and compare
every page with a full render after each one, then compare the preview's page rebuilds with full
MkDocs builds byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build.history import history
from generator.build.incremental import IncrementalGenerator
from generator.build.preview import Preview
from generator.findings import GlossaryError
from generator.project import Project
from generator.stages.check import checked_glossary
from generator.stages.link import link_glossary
from generator.stages.load import scalars
from generator.stages.page_html import HtmlBody
from generator.stages.render import Page, render_html_bodies, render_pages
from tests.conftest import REPO, edit, make_project

SERVE_URL = "http://127.0.0.1:8000/"


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _random_edit(root: Path, rng: random.Random, n: int) -> tuple[Path, str]:
    """Change one text of one data file (words appended, or one text swapped for another's), or add or drop
    a related term; returns the file and its text before the edit."""
    files = sorted((root / "data").rglob("*.yaml"))
    file = rng.choice(files)
    before = file.read_text(encoding="utf-8")
    doc = yaml.safe_load(before)
    texts = [(p, v) for p, v in scalars(doc) if isinstance(v, str) and " " in v]
    dates = [(p, v) for p, v in scalars(doc) if isinstance(v, dt.date)]
    terms = sorted(p.stem for p in (root / "data" / "terms").glob("*.yaml"))
    kind = rng.random()
    if file.parent.name == "terms" and kind < 0.25:
        related = doc.setdefault("related", [])
        if related and rng.random() < 0.5:
            related.pop(rng.randrange(len(related)))
        else:
            related.append(rng.choice([t for t in terms if t != file.stem and t not in related]))
        if not related:
            del doc["related"]
    elif dates and kind < 0.35:  # a review or version date: the history and the timeline follow
        path, date = rng.choice(dates)
        _set(doc, path, date - dt.timedelta(days=rng.randint(1, 40)))
    elif texts and kind < 0.5:
        (path, _), (_, other) = rng.sample(texts, 2) if len(texts) > 1 else (texts[0], texts[0])
        _set(doc, path, other)
    elif texts:
        path, text = rng.choice(texts)
        _set(doc, path, f"{text.rstrip('.')} and preview edit {n}.")
    file.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return file, before


def _full_render(root: Path) -> dict[str, str]:
    """Every generated page's text, from a full generation of ``root`` in memory."""
    return {page.path: page.text for page in _full(root)[0]}


def _full(root: Path) -> tuple[list[Page], dict[str, HtmlBody]]:
    """Every generated page and the HTML bodies of their twins, from a full generation of ``root`` in memory."""
    g = checked_glossary(root)
    links, changes = link_glossary(g), history(g)
    pages = render_pages(g, links, changes)
    return pages, render_html_bodies(g, links, pages, changes)


def _generated(tmp_path: Path) -> tuple[Path, IncrementalGenerator]:
    """A copy of the real glossary and its incremental generator, after the first (full) update."""
    root = make_project(tmp_path / "project", REPO / "data")
    generator = IncrementalGenerator(Project.at(root))
    assert generator.update().full
    return root, generator


def _on_disk(root: Path, generator: IncrementalGenerator) -> dict[str, str]:
    """The text of every page ``generator`` generated, as it is under content/."""
    return {p: (root / "content" / p).read_text(encoding="utf-8") for p in generator.pages}


def test_random_edits_give_the_pages_of_a_full_generation(tmp_path: Path) -> None:
    root, generator = _generated(tmp_path)
    rng = random.Random(20261127)
    incremental = 0
    for n in range(40):
        file, before = _random_edit(root, rng, n)
        try:
            update = generator.update()
            refused = bool(generator.checked is False and generator.check())  # the rules run after the pages
        except GlossaryError:
            refused = True
        if refused:  # an edit the rules refuse is undone: the state must survive it
            file.write_text(before, encoding="utf-8")
            update = generator.update()
        incremental += not update.full
        pages, bodies = _full(root)
        expected = {page.path: page.text for page in pages}
        assert set(generator.pages) == set(expected)
        wrong = [p for p, text in expected.items() if (root / "content" / p).read_text(encoding="utf-8") != text]
        assert not wrong, f"edit {n} to {file.name}: pages differ from a full generation: {wrong[:5]}"
        wrong = [p for p, body in bodies.items() if generator.html_bodies.get(p) != body]
        assert generator.html_bodies.keys() == bodies.keys() and not wrong, f"edit {n}: HTML bodies differ: {wrong[:5]}"
    assert incremental >= 20, f"only {incremental} of 40 edits took the incremental path"


def test_a_review_date_moves_the_term_in_the_history(tmp_path: Path) -> None:
    root, generator = _generated(tmp_path)
    edit(root, "data/terms/capability-threshold.yaml", "reviewed: 2026-11-26", "reviewed: 2026-10-02")
    update = generator.update()
    assert not update.full and "changes.md" in update.written
    assert _on_disk(root, generator) == _full_render(root)


def test_an_edit_renders_only_the_pages_that_read_what_it_changed(tmp_path: Path) -> None:
    root, generator = _generated(tmp_path)
    edit(root, "data/terms/capability-threshold.yaml", "definition: |-\n", "definition: |-\n  Newly reworded.\n")
    update = generator.update()
    assert not update.full
    assert update.written == ["terms/capability-threshold.md"]
    assert update.rendered == 1
    assert not generator.checked  # the rules run afterwards
    assert generator.check() == [] and generator.checked


@pytest.mark.parametrize("change", ["retitle", "new term", "template"])
def test_edits_beyond_the_incremental_path_regenerate_everything(tmp_path: Path, change: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root, generator = _generated(tmp_path)
    if change == "retitle":  # a term's names decide every page's links
        edit(root, "data/terms/capability-threshold.yaml", 'title: "Capability Threshold"', 'title: "Capability Limit"')
    elif change == "new term":
        text = (root / "data/terms/capability-threshold.yaml").read_text(encoding="utf-8")
        (root / "data/terms/capability-limit.yaml").write_text(
            text.replace('id: "capability-threshold"', 'id: "capability-limit"')
            .replace('title: "Capability Threshold"', 'title: "Capability Limit"').replace('aliases: ["risk threshold"]', ""),
            encoding="utf-8")
    update = generator.update(full=change == "template")
    assert update.full
    assert _on_disk(root, generator) == _full_render(root)


def test_bad_data_is_refused_and_the_pages_stay(tmp_path: Path) -> None:
    root, generator = _generated(tmp_path)
    page = (root / "content/terms/capability-threshold.md").read_text(encoding="utf-8")
    edit(root, "data/terms/capability-threshold.yaml", 'related: ["required-safeguards"', 'related: ["no-such-term"')
    with pytest.raises(GlossaryError) as refused:
        generator.update()
    assert any("no-such-term" in f.message for f in refused.value.findings)
    assert (root / "content/terms/capability-threshold.md").read_text(encoding="utf-8") == page


def _site_pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_the_preview_rebuilds_only_the_edited_pages_and_they_match_a_full_build(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", REPO / "data")
    preview = Preview(Project.at(root), tmp_path / "site", SERVE_URL)
    first = preview.build()
    assert first.full and not first.findings
    edit(root, "data/terms/capability-threshold.yaml", "definition: |-\n", "definition: |-\n  Newly reworded.\n")
    (root / "content" / "about.md").write_text((root / "content" / "about.md").read_text(encoding="utf-8")
                                               + "\nOne more hand-written line.\n", encoding="utf-8")
    again = preview.build()
    assert not again.full
    assert again.built == ["content/about.md", "content/terms/capability-threshold.md"]
    assert "Newly reworded." in (tmp_path / "site/terms/capability-threshold/index.html").read_text(encoding="utf-8")
    fresh = Preview(Project.at(root), tmp_path / "fresh", SERVE_URL)
    assert fresh.build().full
    assert _site_pages(tmp_path / "site") == _site_pages(tmp_path / "fresh")


def test_a_term_added_or_removed_builds_only_the_new_and_changed_pages(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", REPO / "data")
    preview = Preview(Project.at(root), tmp_path / "site", SERVE_URL)
    preview.build()
    text = (root / "data/terms/capability-threshold.yaml").read_text(encoding="utf-8")
    (root / "data/terms/capability-limit.yaml").write_text(
        text.replace('id: "capability-threshold"', 'id: "capability-limit"')
        .replace('title: "Capability Threshold"', 'title: "Capability Limit"').replace('aliases: ["risk threshold"]', ""),
        encoding="utf-8")
    added = preview.build()
    assert added.dirty and not added.full and "content/terms/capability-limit.md" in added.built
    fresh = Preview(Project.at(root), tmp_path / "fresh", SERVE_URL)
    fresh.build()
    assert _site_pages(tmp_path / "site") == _site_pages(tmp_path / "fresh")
    (root / "data/terms/capability-limit.yaml").unlink()
    removed = preview.build()
    assert removed.dirty and not (tmp_path / "site/terms/capability-limit/index.html").exists()
    # after a dirty build, page rebuilds still render every title of the navigation
    edit(root, "data/terms/capability-threshold.yaml", "definition: |-\n", "definition: |-\n  Newly reworded.\n")
    assert preview.build().built == ["content/terms/capability-threshold.md"]
    fresh = Preview(Project.at(root), tmp_path / "fresh2", SERVE_URL)
    fresh.build()
    assert _site_pages(tmp_path / "site") == _site_pages(tmp_path / "fresh2")


def test_the_preview_builds_everything_when_the_configuration_or_an_include_changes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", REPO / "data")
    preview = Preview(Project.at(root), tmp_path / "site", SERVE_URL)
    preview.build()
    (root / "content" / "extra.md").write_text("# Extra\n\nA new page.\n", encoding="utf-8")
    added = preview.build()
    assert added.dirty and (tmp_path / "site/extra/index.html").is_file()
    edit(root, "mkdocs.yml", "site_name: Frontier AI Safety Glossary", "site_name: Frontier AI Safety Glossary (draft)")
    assert preview.build().full
    assert "(draft)" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    include = next((root / "content" / "includes").glob("*.md"))
    include.write_text(include.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.build().full


def test_the_preview_reports_bad_data_and_keeps_the_last_good_site(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", REPO / "data")
    preview = Preview(Project.at(root), tmp_path / "site", SERVE_URL)
    preview.build()
    before = _site_pages(tmp_path / "site")
    edit(root, "data/terms/capability-threshold.yaml", 'id: "capability-threshold"', 'id: "Capability Threshold"')
    result = preview.build()
    assert result.update is None and result.findings
    assert result.findings[0].path == "data/terms/capability-threshold.yaml"
    assert _site_pages(tmp_path / "site") == before


def test_a_page_mkdocs_cannot_build_is_reported_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.commands.serve import _built

    root = make_project(tmp_path / "project", REPO / "data")
    preview = Preview(Project.at(root), tmp_path / "site", SERVE_URL)
    assert _built(preview) is not None
    about = root / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\nOne more line.\n--8<-- "no-such-snippet.md"\n', encoding="utf-8")
    assert _built(preview) is None
    out = capsys.readouterr().out
    assert "the preview could not be built" in out and "no-such-snippet.md" in out and "Traceback" not in out
    about.write_text(about.read_text(encoding="utf-8").replace('One more line.\n--8<-- "no-such-snippet.md"', ""), encoding="utf-8")
    fixed = _built(preview)  # the page that failed is built again
    assert fixed is not None and "content/about.md" in fixed.built and not fixed.findings
    assert "One more" not in (tmp_path / "site/about/index.html").read_text(encoding="utf-8")
