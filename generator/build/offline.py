"""The offline copy: the whole site as a zip that works from ``file://``, search included.

Contract of :func:`write_offline_zip`: the same pages are built a second time with Material's
``offline`` plugin (plain ``.html`` URLs instead of directory URLs, the search index inlined as a
script) and the vendored iframe-worker shim (``vendor/iframe-worker``) in place of the CDN copy the
plugin would load, so the copy loads nothing from other hosts; the post-build steps run on it too
(sanitizer, exports), with the site build's workers, HTML pages and export data. The zip holds one
folder, ``<name>/``, whose ``index.html`` a reader opens; entries are sorted and dated from
SOURCE_DATE_EPOCH, so the same site gives the same bytes. mkdocs.yml is not changed: the offline
settings are passed to MkDocs here.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..files import regular_files
from ..project import MKDOCS_YML
from ..stages.page_html import HtmlBody
from ..stages.validate import Glossary
from . import sanitize
from .mkdocs import mkdocs_build
from .steps import PostBuildStep, run_step

OFFLINE_ZIP = "glossary-offline.zip"
OFFLINE_FOLDER = "glossary"
SHIM = Path(__file__).parent / "vendor" / "iframe-worker" / "shim.js"
SHIM_PATH = "assets/javascripts/iframe-worker-shim.js"
"""Where the shim lands in the offline copy (the offline plugin adds no CDN copy when a polyfill names iframe-worker)."""


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml's plain values; MkDocs-specific tags become None."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def offline_overrides(root: Path) -> dict[str, Any]:
    """MkDocs settings for the offline copy: mkdocs.yml's plugins plus ``offline``, and the local shim."""
    config = yaml.load((root / MKDOCS_YML).read_text(encoding="utf-8"), Loader=_IgnoreTags) or {}
    plugins = list(config.get("plugins") or ["search"])
    extra = dict(config.get("extra") or {})
    extra["polyfills"] = [*extra.get("polyfills", []), SHIM_PATH]
    return {"plugins": [*plugins, "offline"], "use_directory_urls": False, "extra": extra}


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = dt.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 315532800, dt.UTC)
    return max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]


def zip_folder(folder: Path, out: Path, prefix: str) -> None:
    """Zip ``folder`` as ``prefix/...``: sorted entries, one fixed date, deflated."""
    stamp = _zip_time()
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in regular_files(folder):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (folder / name).read_bytes())
    os.replace(tmp, out)


def write_offline_zip(root: Path, glossary: Glossary, out: Path, steps: Iterable[PostBuildStep], jobs: int = 1,
                      prerendered: Mapping[str, HtmlBody] | None = None,
                      prepared: Mapping[str, Callable[[], Any]] | None = None) -> Path:
    """Build the offline copy of ``root`` and write it as the zip ``out`` (see the module's contract). ``jobs``,
    ``prerendered`` and ``prepared`` are the site build's: its workers, its pages rendered as HTML and the
    results of its prepared post-build steps, so the copy costs a second MkDocs build and nothing more."""
    with tempfile.TemporaryDirectory(prefix="glossary-offline-") as tmp:
        site = Path(tmp) / OFFLINE_FOLDER
        sanitizer = sanitize.SanitizeAsBuilt()
        mkdocs_build(root, site, site_url=glossary.site.url if glossary.site else None,
                     overrides=offline_overrides(root), jobs=jobs, prerendered=prerendered,
                     plugins={"glossary-sanitize": sanitizer})
        (site / SHIM_PATH).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHIM, site / SHIM_PATH)
        with sanitize.already_sanitized(sanitizer.finish()):
            for step in steps:
                run_step(step, glossary, site, prepared or {})
        zip_folder(site, out, OFFLINE_FOLDER)
    return out
