"""A build whose inputs have not changed is not redone; parallel steps give the same bytes as serial ones."""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build_module
import pytest

from generator.build import parallel_pages, pipeline, prerendered, sanitize, shared_nav
from generator.build.fingerprint import inputs_digest, recorded_digest
from generator.build.pipeline import build_site
from generator.build.steps import PreparedStep, prepared_in_background, worker_count
from generator.findings import GlossaryError
from generator.project import SITE_MARKER
from generator.stages.check import passing_rules
from generator.workers import fork_context, quiet_worker
from tests.conftest import REPO, edit, make_project


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_an_unchanged_build_is_skipped_and_an_edit_is_not(project: Path) -> None:
    first = build_site(project)
    site = project / "site"
    assert not first.up_to_date
    assert recorded_digest(site / SITE_MARKER) == inputs_digest(project)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    again = build_site(project)
    assert again.up_to_date and "mkdocs" not in again.timings.stages
    assert "load+validate" in again.timings.stages and "render" not in again.timings.stages  # checked, not regenerated
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before  # not one file touched

    edit(project, "data/terms/safety-level.yaml", "summary: A step", "summary: One step")
    edited = build_site(project)
    assert not edited.up_to_date and "mkdocs" in edited.timings.stages
    assert "One step" in (site / "terms" / "safety-level" / "index.html").read_text(encoding="utf-8")
    forced = build_site(project, force=True)
    assert not forced.up_to_date and "mkdocs" in forced.timings.stages


def test_the_digest_follows_every_input(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = inputs_digest(project)
    assert inputs_digest(project) == base
    monkeypatch.setenv("GLOSSARY_SITE_URL", "https://glossary.example.net/")
    assert inputs_digest(project) != base
    monkeypatch.delenv("GLOSSARY_SITE_URL")
    (project / "content" / "about.md").write_text("changed\n", encoding="utf-8")
    changed = inputs_digest(project)
    assert changed != base
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert inputs_digest(project) != changed


def test_the_digest_reads_nested_files_and_skips_byte_code_caches(project: Path) -> None:
    base = inputs_digest(project, "0")
    cache = project / "content" / "includes" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "x.cpython-311.pyc").write_bytes(b"\0")
    assert inputs_digest(project, "0") == base
    nested = project / "content" / "includes" / "deeper" / "note.md"
    nested.parent.mkdir()
    nested.write_text("a\n", encoding="utf-8")
    added = inputs_digest(project, "0")
    assert added != base
    nested.write_text("b\n", encoding="utf-8")
    assert inputs_digest(project, "0") not in (base, added)


def test_a_new_commit_changes_the_digest_even_with_a_fixed_build_date(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The What changed page is read from the history: a commit with the same files and date is still an input."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    first = inputs_digest(project, "1700000000")
    subprocess.run([*git, "commit", "-q", "--amend", "-m", "first, reworded"], check=True)
    assert inputs_digest(project, "1700000000") != first


def test_a_site_without_a_recorded_digest_is_rebuilt(tmp_path: Path) -> None:
    marker = tmp_path / SITE_MARKER
    assert recorded_digest(marker) is None
    marker.write_text("built by python -m generator build\n", encoding="utf-8")
    assert recorded_digest(marker) is None


def test_sanitizing_with_two_workers_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = '<article class="md-content__inner md-typeset"><p onclick="x()">Page {n}</p><script>alert(1)</script></article>'
    for copy in ("one", "two"):
        for n in range(12):
            page = tmp_path / copy / f"p{n}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"<html><body>{article.format(n=n)}</body></html>", encoding="utf-8")
    monkeypatch.setattr(sanitize, "PAGES_PER_WORKER", 1)
    with worker_count(1):
        sanitize.sanitize_site(None, tmp_path / "one")
    with worker_count(2):
        sanitize.sanitize_site(None, tmp_path / "two")
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two
    assert "onclick" not in (tmp_path / "two" / "p3" / "index.html").read_text(encoding="utf-8")
    assert "alert" not in (tmp_path / "two" / "p3" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_exports_are_prepared_while_the_rules_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build forks the worker that prepares the exports once the data is loaded, and checks the rules meanwhile
    (the core would otherwise idle); a build that finds the site up to date starts no exports' worker."""
    seen = []

    def rules_with_workers(glossary: Any, findings: list[Any]) -> Any:
        seen.append({process.name for process in multiprocessing.active_children()})
        return passing_rules(glossary, findings)

    monkeypatch.setattr(pipeline, "passing_rules", rules_with_workers)
    assert not build_site(project, jobs=2).up_to_date
    assert build_site(project, jobs=2).up_to_date
    assert "export" in seen[0] and "export" not in seen[1]


def test_the_templates_code_is_generated_while_the_data_loads(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build forks the worker that generates the templates' code before it loads the data (the other core idles
    then), and stops it whatever happens: after a build, and after one whose data fails."""
    seen = []
    load = pipeline.loaded_glossary

    def load_with_workers(project: Any, jobs: int = 1) -> Any:
        seen.append({process.name for process in multiprocessing.active_children()})
        return load(project, jobs)

    monkeypatch.setattr(pipeline, "loaded_glossary", load_with_workers)
    build_site(project, jobs=2)
    assert "templates" in seen[0] and not multiprocessing.active_children()
    edit(project, "data/terms/red-teaming.yaml", "category: practice", "category: practice\ncolour: red")
    with pytest.raises(GlossaryError):
        build_site(project, jobs=2)
    assert "templates" in seen[1] and not multiprocessing.active_children()


def test_a_build_reports_the_loads_and_the_rules_findings_at_once(project: Path) -> None:
    edit(project, "data/terms/red-teaming.yaml", "category: practice", "category: practice\ncolour: red")
    edit(project, "data/terms/safety-level.yaml", "[[red-teaming|", "[[no-such-term|")
    with pytest.raises(GlossaryError) as raised:
        build_site(project, jobs=2)
    messages = [f"{f.path}: {f.message}" for f in raised.value.findings]
    assert any(m.startswith("data/terms/red-teaming.yaml") and "colour" in m for m in messages), messages
    assert any(m.startswith("data/terms/safety-level.yaml") and "no-such-term" in m for m in messages), messages
    assert not (project / "site").exists()
    assert not multiprocessing.active_children()


@pytest.mark.slow
def test_pages_rendered_by_two_workers_give_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_pages, "MIN_PAGES", 1)
    sites = {}
    for jobs in (1, 2):
        root = make_project(tmp_path / f"jobs{jobs}")
        build_site(root, jobs=jobs)
        sites[jobs] = tree_digest(root / "site")
    assert sites[1] == sites[2]
    assert len(sites[1]) > 20


@pytest.mark.slow
def test_the_shared_navigation_and_links_give_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The navigation rendered once per shape and the links resolved once per shape change no byte."""
    sites = {}
    for shared in (True, False):
        if not shared:
            monkeypatch.setattr(shared_nav.SharedNav, "on_env", lambda self, env, config, files: env)
            monkeypatch.setattr(prerendered._Resolved, "resolve", lambda self, resolver, shape, attribute:
                                html.escape(resolver.path_to_url(html.unescape(attribute))))
        root = make_project(tmp_path / f"shared-{shared}")
        build_site(root, jobs=1)
        sites[shared] = tree_digest(root / "site")
    assert sites[True] == sites[False]
    assert sum(1 for path in sites[True] if path.startswith("terms/")) > 1  # pages that share a shape


@pytest.mark.slow
def test_a_warning_in_a_worker_still_fails_the_strict_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_pages, "MIN_PAGES", 1)
    root = make_project(tmp_path / "broken")
    about = root / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the missing page](missing.md).\n", encoding="utf-8")
    page_builder = mkdocs_build_module._build_page
    with pytest.raises(GlossaryError) as exc:
        build_site(root, jobs=2)
    assert any(f.path == "content/about.md" and "missing.md" in f.message for f in exc.value.findings)
    assert not (root / "site").exists()
    assert mkdocs_build_module._build_page is page_builder  # MkDocs' loop builds every page again


@pytest.mark.slow
def test_mkdocs_own_loop_passes_over_the_pages_the_workers_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is built once, by a worker; the build's process still counts it as sanitized (the post-build
    step cleans only what no page event did: 404.html) and MkDocs' page builder is its own again afterwards."""
    monkeypatch.setattr(parallel_pages, "MIN_PAGES", 1)
    build_page, here, cleaned = mkdocs_build_module._build_page, [], []

    def build_page_here(page: Any, *args: Any, **kwargs: Any) -> None:
        if os.getpid() == parent:
            here.append(page.file.src_uri)
        build_page(page, *args, **kwargs)

    parent = os.getpid()
    monkeypatch.setattr(mkdocs_build_module, "_build_page", build_page_here)
    monkeypatch.setattr(sanitize, "sanitize_file", cleaned.append)
    root = make_project(tmp_path / "project")
    build_site(root, jobs=2)
    assert here == []
    assert [page.name for page in cleaned] == ["404.html"]
    assert mkdocs_build_module._build_page is build_page_here
    assert (root / "site" / "terms" / "scaling-policy" / "index.html").exists()


def _pid_unless_bad(glossary: str) -> int:
    if glossary == "bad":
        raise ValueError("broken data")
    return os.getpid()


def test_a_prepared_step_runs_in_a_worker_and_its_error_is_raised_by_the_build(tmp_path: Path) -> None:
    step = PreparedStep("pid", _pid_unless_bad, lambda pid, site: (site / "pid").write_text(str(pid)))
    with prepared_in_background([step], "good", 2) as waits:
        step.run("good", tmp_path, waits["pid"])
    assert int((tmp_path / "pid").read_text()) != os.getpid()
    with pytest.raises(ValueError, match="broken data"), prepared_in_background([step], "bad", 2) as waits:
        step.run("bad", tmp_path, waits["pid"])
    with prepared_in_background([step], "good", 1) as waits:
        assert waits == {}
        step.run("good", tmp_path)
    assert int((tmp_path / "pid").read_text()) == os.getpid()


def _masks_in_worker(send: Any) -> None:
    """In a worker: the signals blocked before and after the worker's set-up."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    quiet_worker()
    after = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    send.send((signal.SIGINT in before, signal.SIGINT in after, signal.getsignal(signal.SIGINT) == signal.SIG_IGN))


def test_workers_are_forked_with_interruptions_held_back_then_set_up_quietly() -> None:
    """A signal cannot land inside a fork (where Python would print and lose it): the build's process holds
    SIGINT and SIGTERM back while forking; the worker then ignores SIGINT and takes them again."""
    context = fork_context()
    receive, send = context.Pipe(duplex=False)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    process = context.Process(target=_masks_in_worker, args=(send,))
    process.start()
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask  # the parent's mask is restored
    blocked_at_fork, blocked_after_setup, ignores_sigint = receive.recv()
    process.join(timeout=30)
    assert (blocked_at_fork, blocked_after_setup, ignores_sigint) == (True, False, True)


def test_only_partials_that_read_nothing_of_the_page_are_rendered_once_per_build() -> None:
    import jinja2

    env = jinja2.Environment(loader=jinja2.DictLoader({
        "settings.html": '{% set icon = config.icon %}<b title="{{ lang.t("top") | e }}">{% include "icon.svg" %}</b>',
        "icon.svg": "<svg></svg>",
        "title.html": "<h1>{{ page.title }}</h1>",
        "logo.html": '<img src="{{ config.logo | url }}">',
        "nested.html": '{% include "title.html" %}',
    }))
    env.filters["url"] = lambda value: value  # MkDocs' url filter reads the page being rendered
    assert shared_nav.reads_only_settings(env, "settings.html")
    assert not shared_nav.reads_only_settings(env, "title.html")  # reads the page
    assert not shared_nav.reads_only_settings(env, "logo.html")  # url depends on the page's address
    assert not shared_nav.reads_only_settings(env, "nested.html")  # includes one that reads the page
    assert not shared_nav.reads_only_settings(env, "missing.html")
    from mkdocs.config import load_config
    theme_env = load_config(str(REPO / "mkdocs.yml")).theme.get_env()
    assert all(shared_nav.reads_only_settings(theme_env, name) for name in (*shared_nav.CONSTANT_PARTIALS,
                                                                            shared_nav.TRANSLATIONS))


def test_the_translations_module_is_made_once_and_each_translation_looked_up_once() -> None:
    import jinja2

    looked_up: list[str] = []
    env = jinja2.Environment(loader=jinja2.DictLoader({
        shared_nav.TRANSLATIONS: "{% macro t(key) %}{{ translate(key) }}{% endmacro %}",
        "page.html": f'{{% import "{shared_nav.TRANSLATIONS}" as lang with context %}}'
                     '{{ lang.t("a") }} {{ lang.t("a") }} {{ lang.t("b") }} {{ page }}',
    }))
    env.globals["translate"] = lambda key: looked_up.append(key) or key.upper()
    shared_nav.SharedNav().on_env(env, config=None, files=None)
    page = env.get_template("page.html")
    assert [page.render(page=n) for n in (1, 2)] == ["A A B 1", "A A B 2"]
    assert looked_up == ["a", "b"]
