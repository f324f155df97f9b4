"""The fast path: term pages and the A–Z page reach MkDocs as the generator's HTML, and the site is the one
Markdown gives.

Each project is built twice, with the fast path (the default) and with ``markdown_only`` (MkDocs
converts every page's Markdown, as ProperDocs and Zensical do); every page's text, anchors,
elements and attributes, and the search index, must be the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pytest

from generator import workers
from generator.build import parallel_pages, prerendered
from generator.build.pipeline import build_site
from generator.findings import RENDER, Finding, GlossaryError
from generator.stages import page_html, render
from generator.stages.check import checked_glossary
from generator.stages.link import link_glossary
from generator.stages.markdown_html import block_html, inline_html
from generator.stages.page_html import anchor_headings, apply_abbreviations, finish_html
from generator.stages.render import HTML_TWINS
from generator.workers import SLACK, InBackground, in_processes, shared_by_chunks

from .conftest import REPO


class _PageSummary(HTMLParser):
    """A page's text (whitespace folded), its ids and its elements with their attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: list[str] = []
        self.elements: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted((name, value or "") for name, value in attrs))))  # a="" is a
        self.ids += [value or "" for name, value in attrs if name == "id"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page_summary(page: Path) -> dict[str, object]:
    parser = _PageSummary()
    parser.feed(page.read_text(encoding="utf-8"))
    return {"text": " ".join("".join(parser.text).split()), "ids": parser.ids, "elements": parser.elements}


def assert_same_site(fast: Path, plain: Path) -> int:
    """Every page of the two sites has the same text, ids and elements; the two sites have the same files and the
    same search index (the one readers' search loads)."""
    pages = sorted(p.relative_to(fast) for p in fast.rglob("*.html"))
    assert pages == sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    for page in pages:
        assert page_summary(fast / page) == page_summary(plain / page), f"{page} differs"
    assert sorted(p.relative_to(fast) for p in fast.rglob("*")) == sorted(p.relative_to(plain) for p in plain.rglob("*"))
    index = "assets/search-index.js"
    assert (fast / index).read_bytes() == (plain / index).read_bytes()
    return len(pages)


def build_both_ways(root: Path, tmp_path: Path, jobs: int = 1) -> tuple[Path, Path, int]:
    """Build ``root`` with the fast path (``jobs`` processes) and a copy of it with Markdown only, in one
    process; the two sites and the number of terms."""
    other = tmp_path / "markdown-only"
    subprocess.run(["cp", "-r", str(root), str(other)], check=True)
    fast = build_site(root, jobs=jobs)
    plain = build_site(other, jobs=1, markdown_only=True)
    assert plain.html_bodies == {}
    terms = len(fast.glossary.terms)
    assert sorted(fast.html_bodies) == sorted([*(f"terms/{tid}.md" for tid in fast.glossary.terms), *HTML_TWINS])
    assert terms
    return root / "site", other / "site", terms


@pytest.mark.slow
def test_the_fixture_site_is_the_same_with_the_fast_path(project: Path, tmp_path: Path) -> None:
    fast, plain, _ = build_both_ways(project, tmp_path)
    assert assert_same_site(fast, plain) > 10


@pytest.mark.slow
def test_a_synthetic_glossary_is_the_same_with_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)  # two processes render the pages
    root = tmp_path / "synthetic"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "150", str(root)], check=True,
                   capture_output=True)
    fast, plain, terms = build_both_ways(root, tmp_path, jobs=2)
    assert terms == 150
    assert assert_same_site(fast, plain) > 150


def test_the_plugin_renders_only_the_pages_it_was_given() -> None:
    class File:
        def __init__(self, src_uri: str) -> None:
            self.src_uri = src_uri

    class Page:
        def __init__(self, src_uri: str) -> None:
            self.file = File(src_uri)

        def render(self, config: object, files: object) -> None:
            raise AssertionError("Python-Markdown was asked to convert a page")

    body = finish_html("<h1>T</h1>", {})
    plugin = prerendered.PrerenderedPages({"terms/t.md": body})
    term, about = Page("terms/t.md"), Page("about.md")
    plugin.on_pre_page(term, None, None)
    plugin.on_pre_page(about, None, None)
    assert term.render is not Page.render.__get__(term)
    assert about.render == Page.render.__get__(about)


# --- the pieces, against Python-Markdown with the site's extensions -----------------------------

def python_markdown(text: str) -> str:
    md = markdown.Markdown(extensions=["abbr", "attr_list", "tables", "toc"], extension_configs={"toc": {"permalink": True}})
    return md.convert(text)


@pytest.mark.parametrize("text", [
    "A [term](../terms/a-b.md){ data-preview }'s text and *emphasis*.",
    "Two paragraphs.\n\nThe second with [a link](https://example.org/x) and [t](../terms/t.md){ data-preview }.",
    "- one [x](../terms/x.md){ data-preview }\n- two *it* [y](../terms/y.md){ data-preview }",
    "Code `[x](../terms/x.md){ data-preview }` stays code, and [x](../terms/x.md){ data-preview } links.",
    r"An escaped \[x](../terms/x.md){ data-preview } is text.",
    "A label with markup [*x*](../terms/x.md){ data-preview } and R&D <https://example.org>.",
])
def test_data_markdown_renders_as_python_markdown_does(text: str) -> None:
    assert page_summary_of(block_html(text)) == page_summary_of(python_markdown(text))


def test_inline_markdown_has_no_paragraph() -> None:
    assert inline_html("*a* [b](../terms/b.md){ data-preview }") == '<em>a</em> <a data-preview="" href="../terms/b.md">b</a>'


def page_summary_of(html: str) -> dict[str, object]:
    parser = _PageSummary()
    parser.feed(html)
    return {"text": " ".join("".join(parser.text).split()), "ids": parser.ids, "elements": parser.elements}


def test_headings_get_the_ids_and_permalinks_toc_gives_them() -> None:
    source = "# Definition (ASL)\n\n## Definition\n\n## Cite { #cite }\n\n## Cite\n\nASL and `ASL` and ASLs.\n\n*[ASL]: AI Safety Level\n"
    html = ('<h1>Definition (ASL)</h1>\n<h2>Definition</h2>\n<h2 id="cite">Cite</h2>\n<h2>Cite</h2>\n'
            "<p>ASL and <code>ASL</code> and ASLs.</p>")
    body = finish_html(html, {"ASL": "AI Safety Level"})
    assert page_summary_of(body.html) == page_summary_of(python_markdown(source))
    assert [(e.level, e.id) for e in body.toc] == [(1, "definition-asl"), (2, "definition"), (2, "cite"), (2, "cite_1")]
    assert body.title == "Definition (ASL)"


def test_abbreviations_skip_code_scripts_and_character_references() -> None:
    html = '<p>amp &amp; <code>X</code> X</p><script type="application/ld+json">{"X": 1}</script>'
    assert apply_abbreviations(html, {"X": "Ex", "amp": "Amp"}) == (
        '<p><abbr title="Amp">amp</abbr> &amp; <code>X</code> <abbr title="Ex">X</abbr></p>'
        '<script type="application/ld+json">{"X": 1}</script>')
    assert anchor_headings("<p>no headings</p>") == ("<p>no headings</p>", ())


def test_one_pattern_for_all_abbreviations_wraps_what_each_pages_own_pattern_wraps() -> None:
    """With the glossary's abbreviations known, every page is wrapped as its own pattern wraps it, also where a longer
    abbreviation the page lacks (ASL-3) would hide one it has (ASL); pages whose words are all theirs compile
    no pattern of their own."""
    known = frozenset({"ASL", "ASL-3", "CCL", "R&D", "X"})
    html = "<p>ASL-3 and ASL, CCL; R&amp;D <code>ASL</code> X-ray ASL-3.</p>"
    for page in ({"ASL"}, {"ASL", "ASL-3"}, {"CCL", "X"}, {"R&D"}, set(known)):
        expansions = {a: f"{a} in full" for a in sorted(page)}
        assert apply_abbreviations(html, expansions, known) == apply_abbreviations(html, expansions), page
    assert apply_abbreviations(html, {"ASL": "AI Safety Level"}, known).count('<abbr title="AI Safety Level">ASL</abbr>') == 3
    page_html._abbreviations_pattern.cache_clear()
    page_html._known_pattern.cache_clear()
    apply_abbreviations("<p>CCL</p>", {"CCL": "Critical Capability Level"}, known)
    apply_abbreviations("<p>X</p>", {"X": "Ex"}, known)
    assert page_html._abbreviations_pattern.cache_info().currsize == 1  # the shared one


def test_templates_compiled_from_code_generated_elsewhere_render_the_same(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A renderer given the templates' code generated in another process (``template_code``) compiles no template
    itself and renders the same pages and HTML bodies; code generated from another source is not used."""
    glossary = checked_glossary(project)
    links = link_glossary(glossary)
    code = render.template_code()
    generated = []
    generate = jinja2.Environment._generate

    def counted(self: jinja2.Environment, *args: Any, **kwargs: Any) -> str:
        generated.append(args[1])
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "_generate", counted)
    given = render._Renderer(glossary, links, html=True, code=code)
    given.compile_templates()
    assert generated == []
    plain = render._Renderer(glossary, links, html=True)
    plain.compile_templates()
    assert len(generated) == len(code["markdown"]) + len(code["html"]) > 10
    pages = [given.page(path) for path in given.paths()]
    assert [p.text for p in pages] == [plain.page(path).text for path in plain.paths()]
    assert [given.body(p) for p in pages if given.has_html(p.path)] == [plain.body(p) for p in pages if plain.has_html(p.path)]
    stale = {kind: {key: ("another source", *rest[1:]) for key, rest in entries.items()} for kind, entries in code.items()}
    generated.clear()
    render._Renderer(glossary, links, html=True, code=stale).compile_templates()
    assert len(generated) == len(code["markdown"]) + len(code["html"])


def test_work_shared_by_processes_comes_back_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both processes take chunks (an item takes 20 ms: this process cannot take them all before the worker starts),
    and the results come back in the items' order."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)

    def square(n: int) -> tuple[int, int]:
        time.sleep(0.02)
        return n * n, os.getpid()

    results = in_processes(square, list(range(50)), 2)
    assert [square for square, _ in results] == [n * n for n in range(50)]
    assert len({pid for _, pid in results}) == 2
    assert in_processes(lambda n: n, [1, 2, 3], 1) == [1, 2, 3]


def test_work_shared_by_processes_survives_a_worker_that_dies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-render (the out-of-memory killer) costs its share computed again here, not a hang (a
    pool's lost task made the build wait for ever). In a thread, so that a hang fails the test."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    caller, results = os.getpid(), []
    worker = threading.Thread(target=lambda: results.append(
        in_processes(lambda n: os._exit(1) if os.getpid() != caller else n * 2, list(range(10)), 2)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert results == [[n * 2 for n in range(10)]]


def test_work_in_the_background_comes_back_in_order_while_the_caller_goes_on() -> None:
    work = InBackground(lambda n: (n * n, os.getpid()), list(range(50)), 3)
    assert work.workers is not None  # started at once: the caller's own work overlaps it
    results = work.result()
    assert [square for square, _ in results] == [n * n for n in range(50)]
    assert os.getpid() not in {pid for _, pid in results}  # all of it done by the workers
    assert work.workers is None and work.result() is results  # the workers are gone; the list is kept
    alone = InBackground(lambda n: (n, os.getpid()), [1, 2], 1)
    assert alone.workers is None and alone.result() == [(1, os.getpid()), (2, os.getpid())]
    one = InBackground(lambda n: (n, os.getpid()), [1], 2)  # one item, two cores: a worker computes it
    assert one.workers is not None and one.result()[0][1] != os.getpid()


def test_an_error_in_a_background_worker_reaches_the_caller_with_its_findings() -> None:
    finding = Finding("generator/stages/templates/term.html.j2", 3, 1, "no such field", "fix the template", code=RENDER)

    def fail(n: int) -> int:
        if n == 7:
            raise GlossaryError([finding])
        return n

    work = InBackground(fail, list(range(20)), 2)
    with pytest.raises(GlossaryError) as raised:
        work.result()
    assert raised.value.findings == [finding]
    assert work.workers is None


def test_a_background_worker_that_dies_does_not_hang_the_caller() -> None:
    caller = os.getpid()
    work = InBackground(lambda n: os._exit(1) if os.getpid() != caller else n * 2, list(range(10)), 2)
    assert work.result() == [n * 2 for n in range(10)]  # the dead workers' shares, computed by the caller


def test_work_with_slack_runs_at_a_lower_priority_in_its_workers_only() -> None:
    """Niceness is set in the workers; a share computed again by the caller leaves the caller's priority as it was."""
    caller, own = os.getpid(), os.nice(0)
    assert InBackground(lambda n: (n, os.nice(0)), [1, 2], 2, niceness=SLACK).result() == [(1, own + SLACK), (2, own + SLACK)]
    assert InBackground(lambda n: os.nice(0), [1], 2).result() == [own]
    dying = InBackground(lambda n: os._exit(1) if os.getpid() != caller else os.nice(0), [1, 2], 2, niceness=SLACK)
    assert dying.result() == [own, own] and os.nice(0) == own


def test_bodies_in_the_background_are_those_rendered_in_one_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    glossary = checked_glossary(project)
    links = link_glossary(glossary)
    pages = render.render_pages(glossary, links)
    background = render.HtmlBodiesInBackground(glossary, links, pages, jobs=2)
    assert background.work.workers is not None
    twins = [path for path in HTML_TWINS if path in {page.path for page in pages}]  # no history: no What changed page
    assert sorted(background) == sorted([*(f"terms/{tid}.md" for tid in glossary.terms), *twins]) and twins
    assert "terms/no-such-term.md" not in background and "index.md" not in background
    assert dict(background.items()) == render.render_html_bodies(glossary, links, pages, jobs=1)
    background.close()


def test_a_page_records_the_abbreviations_its_markdown_defines(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page records the abbreviations whose definitions its Markdown carries (its HTML twin applies those, and
    no other), also when the pages are rendered by workers."""
    import re

    from generator.urls import is_page

    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    glossary = checked_glossary(project)
    pages = render.render_pages(glossary, link_glossary(glossary), jobs=2)
    defining = [p for p in pages if p.abbreviations]
    assert defining and any(p.path.startswith("terms/") for p in defining)
    for page in pages:
        defined = tuple(re.findall(r"^\*\[([^\]]+)\]: ", page.text, re.M))
        assert page.abbreviations == (defined if is_page(page.path) else None), page.path


def _square_with_pid(indexes: list[int]) -> list[tuple[int, int]]:
    time.sleep(0.01)  # long enough for the workers to start and take chunks too
    return [(i * i, os.getpid()) for i in indexes]


def test_work_shared_by_chunks_comes_back_by_index_whoever_took_each_chunk() -> None:
    order = list(range(99, -1, -1))  # the slowest first, say
    here: list[list[int]] = []

    def take_here(indexes: list[int]) -> list[tuple[int, int]]:
        here.append(indexes)
        return _square_with_pid(indexes)

    results = shared_by_chunks(_square_with_pid, order, 3, 7, here=take_here)
    assert {i: square for i, (square, _) in results.items()} == {i: i * i for i in range(100)}
    assert here and all(chunk == order[k:k + 7] for chunk in here for k in [order.index(chunk[0])])
    assert {pid for _, pid in results.values()} - {os.getpid()}  # the workers took some of it
    assert shared_by_chunks(_square_with_pid, [2, 0, 1], 1, 2) == {2: (4, os.getpid()), 0: (0, os.getpid()),
                                                                    1: (1, os.getpid())}


def test_chunks_of_a_worker_that_dies_are_done_by_the_caller() -> None:
    caller = os.getpid()

    def square_or_die(indexes: list[int]) -> list[int]:
        if os.getpid() != caller:
            os._exit(1)
        time.sleep(0.01)
        return [i * i for i in indexes]

    assert shared_by_chunks(square_or_die, list(range(40)), 3, 4) == {i: i * i for i in range(40)}


class _CountingLoader(jinja2.BaseLoader):
    """Wraps a Jinja loader, noting the templates it loads (a template is compiled when loaded)."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader, self.loaded = loader, []

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        self.loaded.append(template)
        return self.loader.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def test_render_with_bodies_compiles_every_template_before_the_workers_fork(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the page workers fork, every template of both environments is compiled, each once: they and the
    body workers (forked later) inherit them. The pages and bodies are those of separate renderers."""
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_PROCESS", 1)
    glossary = checked_glossary(project)
    links = link_glossary(glossary)
    plain_pages = render.render_pages(glossary, links)
    plain_bodies = render.render_html_bodies(glossary, links, plain_pages)
    real_environment, real_in_processes = render.environment, render.in_processes
    loaders: list[_CountingLoader] = []
    loaded_at_fork: list[list[str]] = []

    def counting_environment() -> jinja2.Environment:
        env = real_environment()
        env.loader = _CountingLoader(env.loader)  # type: ignore[arg-type]
        loaders.append(env.loader)
        return env

    def noting_in_processes(func: Any, items: list[Any], jobs: int) -> list[Any]:
        loaded_at_fork.append(list(loaders[-1].loaded))
        return real_in_processes(func, items, jobs)

    monkeypatch.setattr(render, "environment", counting_environment)
    monkeypatch.setattr(render, "in_processes", noting_in_processes)
    pages, bodies = render.render_with_bodies(glossary, links, jobs=2)
    assert bodies.work.workers is not None and len(loaders) == 1  # one renderer for both
    names = loaders[0].list_templates()
    markdown_env = [n for n in names if not n.endswith(render.HTML_TEMPLATE)]
    html_env = [n for n in names if not n.endswith(render.MARKDOWN_TEMPLATE)]
    assert sorted(loaded_at_fork[0]) == sorted(markdown_env + html_env)
    assert pages == plain_pages and dict(bodies.items()) == plain_bodies
    bodies.close()


@pytest.mark.slow
def test_the_page_template_is_compiled_while_the_workers_read_the_pages(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's process compiles the theme's page template while the workers read and render the pages (it
    would otherwise compile it alone just before the page workers fork), and only then: the site is the same."""
    import multiprocessing

    monkeypatch.setattr(parallel_pages, "MIN_PAGES", 1)
    loads: list[int] = []
    get_source = jinja2.FileSystemLoader.get_source

    def counted(self: jinja2.FileSystemLoader, environment: jinja2.Environment, template: str) -> Any:
        if template == "main.html":
            loads.append(len(multiprocessing.active_children()))
        return get_source(self, environment, template)

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", counted)
    build_site(project, jobs=2)
    assert loads and all(workers >= 1 for workers in loads), loads  # never while the build's process is alone


def test_templates_compiled_early_are_forgotten_when_a_filter_changes() -> None:
    """The compiler calls filters on constants: a template compiled before a plugin changed a filter is compiled
    again; one compiled with the environment as it still is, is kept."""
    from types import SimpleNamespace

    from generator.build.parallel_build import ParallelBuild

    theme = SimpleNamespace(get_env=lambda: jinja2.Environment(loader=jinja2.DictLoader({
        "main.html": "{{ 'a'|shout }}{% include 'part.html' %}", "part.html": "."})))
    build = ParallelBuild(2)
    build.on_config(SimpleNamespace(theme=theme))
    env = theme.get_env()
    env.filters["shout"] = str.upper
    build.compile_early()
    assert build.compiled == {"main.html", "part.html"}
    early = env.get_template("main.html")
    build.forget_if_stale(env)
    assert env.get_template("main.html") is early and early.render() == "A."
    env.filters["shout"] = lambda text: text + "!"
    build.forget_if_stale(env)
    assert build.compiled == set() and env.get_template("main.html").render() == "a!."
    build.compile_early()
    build.forget_if_stale(jinja2.Environment())  # another environment: nothing of it was compiled early
    assert build.compiled == set()


def test_compile_ahead_follows_what_a_template_extends_and_includes() -> None:
    import jinja2

    from generator.build.parallel_build import compile_ahead

    loader = _CountingLoader(jinja2.DictLoader({
        "main.html": '{% extends "base.html" %}{% block body %}{% include "partials/toc.html" %}{% endblock %}',
        "base.html": '{% import "macros.html" as m %}{% block body %}{% endblock %}{% include "partials/" ~ name %}'
                     '{% include "partials/missing.html" ignore missing %}',
        "partials/toc.html": "toc", "macros.html": "{% macro x() %}{% endmacro %}", "partials/footer.html": "footer",
        "broken.html": "{% if %}",
    }))
    env = jinja2.Environment(loader=loader)
    compile_ahead(env, {"main.html", "broken.html", "gone.html"})
    ahead = set(loader.loaded)
    assert {"main.html", "base.html", "partials/toc.html", "macros.html"} <= ahead
    assert "partials/footer.html" not in ahead  # named at render time only
    loader.loaded.clear()
    assert env.get_template("main.html").render(name="footer.html") == "tocfooter"
    # All were compiled ahead but the one named at render time, and the missing one (looked for again, as before)
    assert sorted(loader.loaded) == ["partials/footer.html", "partials/missing.html"]
