"""The MkDocs driver: build ``mkdocs.yml`` into a directory, with progress, and its warnings as findings."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

from ..findings import Finding, GlossaryError
from ..project import CONTENT_DIR, MKDOCS_YML
from ..stages.write import read_manifest
from .parallel_pages import ParallelPages

PROGRESS_MIN_PAGES = 200


class _Progress(logging.Handler):
    """Reports MkDocs' progress through its debug log: every tenth of the pages read, then written."""

    def __init__(self, total: int, report: Callable[[str], None]):
        super().__init__(logging.DEBUG)
        self.total, self.report = total, report
        self.counts = {"Reading: ": 0, "Building page ": 0}
        self.step = max(1, -(-total // 10))

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        for prefix, label in (("Reading: ", "Markdown rendered"), ("Building page ", "HTML written")):
            if message.startswith(prefix):
                self.counts[prefix] += 1
                done = self.counts[prefix]
                if done % self.step == 0 or done == self.total:
                    self.report(f"{label}: {done}/{self.total} pages ({100 * done // self.total}%)")


def mkdocs_build(root: Path, site_dir: Path, strict: bool = True, dirty: bool = False,
                 progress: Callable[[str], None] | None = None, jobs: int = 1, site_url: str | None = None,
                 overrides: dict[str, object] | None = None) -> None:
    """Run the MkDocs build of ``root/mkdocs.yml`` into ``site_dir``; raises on failure or, if strict, on warnings.

    ``site_url`` is the glossary's public address (``url`` of data/site.yaml, or GLOSSARY_SITE_URL):
    passed here rather than written in mkdocs.yml, so the address has one source. ``overrides``
    replaces other settings of mkdocs.yml for this build only (the offline copy's plugins).

    ``dirty`` rebuilds only pages whose Markdown is newer than their HTML (what the preview does
    after an edit); MkDocs warns about dirty builds, so they are never strict. ``jobs`` processes render
    the pages' Markdown (:mod:`.parallel_pages`); the output is the same for any number."""
    # MkDocs is imported on first use: `check` and `generate` never load it (it is slow to import).
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    build_logger = logging.getLogger("mkdocs.commands.build")
    pages = sum(1 for p in (root / CONTENT_DIR).rglob("*.md") if "includes" not in p.parts) if progress else 0
    counter = _Progress(pages, progress) if progress and pages >= PROGRESS_MIN_PAGES else None
    level = build_logger.level
    if counter:
        build_logger.addHandler(counter)
        build_logger.setLevel(logging.DEBUG)
    cwd = os.getcwd()
    try:
        os.chdir(root)  # pymdownx.snippets reads base_path relative to the working directory
        settings = {**({"site_url": site_url} if site_url else {}), **(overrides or {})}
        config = load_config(str(root / MKDOCS_YML), site_dir=str(site_dir), strict=strict and not dirty, **settings)
        if jobs > 1 and not dirty:
            config.plugins["glossary-parallel-pages"] = ParallelPages(jobs)  # type: ignore[assignment]
        build(config, dirty=dirty)
    except (SystemExit, Exception) as exc:  # MkDocs aborts with SystemExit, or raises many kinds
        findings = [_place_mkdocs_warning(root, m) for m in handler.messages]
        findings.append(Finding(MKDOCS_YML, 1, 1, f"MkDocs build failed: {exc}", "fix the problems listed above"))
        raise GlossaryError(findings) from None
    finally:
        os.chdir(cwd)
        logger.removeHandler(handler)
        if counter:
            build_logger.removeHandler(counter)
            build_logger.setLevel(level)


_DOC_FILE = re.compile(r"Doc file '([^']+)' contains (?:a link|an absolute link|a link to) '([^']*)'")


def _place_mkdocs_warning(root: Path, message: str) -> Finding:
    """A MkDocs warning as a finding on the page (and line) it is about, when it names one."""
    match = _DOC_FILE.search(message)
    if not match:
        return Finding(MKDOCS_YML, 1, 1, message, "fix the page or the configuration named here")
    page = f"{CONTENT_DIR}/{match.group(1)}"
    line, col = 1, 1
    try:
        for number, text in enumerate((root / page).read_text(encoding="utf-8").splitlines(), 1):
            at = text.find(f"({match.group(2)}")
            if at >= 0:
                line, col = number, at + 2
                break
    except OSError:
        pass
    hint = ("a generated page: fix the data or template it comes from" if page_is_generated(root, page)
            else "fix the link in this hand-written page")
    return Finding(page, line, col, message, hint)


def page_is_generated(root: Path, page: str) -> bool:
    """Whether ``page`` (a path under the project root) is one the generator wrote."""
    return page.removeprefix(f"{CONTENT_DIR}/") in read_manifest(root / CONTENT_DIR)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
