"""What a site build read, as one digest: a build whose inputs have not changed is not redone.

The digest covers every file under ``data/`` and ``content/`` (the generated pages included),
``mkdocs.yml``, the generator's own code, templates and theme, the versions of the packages
that shape the output, the build's date (``SOURCE_DATE_EPOCH`` or the last commit's), the
commit checked out (the What changed page and the feed are read from the history) and the
environment variables the build reads (:data:`ENVIRONMENT`). A built site records it in its marker
file; ``python -m generator build`` checks the data and does nothing else when the digest of the
inputs equals the recorded one (``--force`` rebuilds anyway). It is compared before any page is
generated: the generated pages are a function of the other inputs.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

from ..files import regular_files
from ..project import Project
from .history import git_output

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The generator package: its code, templates and theme are inputs of every build."""

OUTPUT_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "markdown-it-py", "jinja2", "nh3",
                   "rdflib", "pydantic", "pyyaml", "pyahocorasick", "sphobjinv")
"""The installed packages whose versions can change the built site."""

ENVIRONMENT = ("GLOSSARY_SITE_URL", "GLOSSARY_REPO_URL")
"""The environment variables a build reads (SOURCE_DATE_EPOCH comes in as the ``epoch`` argument)."""

INPUTS_PREFIX = "inputs sha256:"
"""How the marker file of a built site records the digest."""

BYTE_CODE_CACHES = frozenset({"__pycache__"})
"""Folders the digest does not read: Python's byte-code caches of the generator's code."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def source_date_epoch(root: Path) -> str:
    """The build's timestamp, so builds are reproducible: SOURCE_DATE_EPOCH when set, else the
    last commit's time, else 0. Read here, passed on explicitly (never written to the environment)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    out = (git_output(root, "log", "-1", "--format=%ct") or "").strip()
    return out if out.isdigit() else "0"


def head_commit(root: Path) -> str:
    """The commit checked out in ``root``'s repository, or "" outside one."""
    return (git_output(root, "rev-parse", "-q", "--verify", "HEAD") or "").strip()


def _inputs(project: Project) -> list[tuple[str, str]]:
    """The files the digest reads, in a fixed order: each as its name in the digest (relative to the project, or
    to the generator package's folder) and its path."""
    root = project.root

    def below(folder: Path, base: Path) -> list[tuple[str, str]]:
        prefix = folder.relative_to(base).as_posix()
        return [(f"{prefix}/{rel}", os.path.join(folder, rel)) for rel in regular_files(folder, BYTE_CODE_CACHES)]

    return [*below(project.data_dir, root), *below(project.content_dir, root),
            (project.mkdocs_yml.relative_to(root).as_posix(), str(project.mkdocs_yml)),
            *below(PACKAGE_DIR, PACKAGE_DIR.parent)]


def _read(path: str) -> bytes:
    """The bytes of the file at ``path``; none when it is missing or a folder."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError):
        return b""


def inputs_digest(project: Project | Path, epoch: str | None = None, options: tuple[str, ...] = ()) -> str:
    """The digest of everything a build of ``project`` reads (see the module's docstring), the
    build's timestamp (``epoch``, default :func:`source_date_epoch`) and the build ``options`` that
    change the output (``offline``: the offline copy; ``markdown-only``: the HTML of pages MkDocs
    converted, which differs in form)."""
    project = Project.at(project)
    root = project.root
    epoch = source_date_epoch(root) if epoch is None else epoch
    digest = hashlib.sha256()
    digest.update(f"options={','.join(options)}\0".encode())
    for name, path in _inputs(project):
        data = _read(path)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    for package in OUTPUT_PACKAGES:
        digest.update(f"{package}=={_version(package)}\0".encode())
    digest.update(f"SOURCE_DATE_EPOCH={epoch}\0HEAD={head_commit(root)}\0".encode())
    for variable in ENVIRONMENT:
        digest.update(f"{variable}={os.environ.get(variable, '')}\0".encode())
    return digest.hexdigest()


def marker_text(digest: str) -> str:
    """The marker file of a built site, recording the digest of its inputs."""
    return f"built by python -m generator build\n{INPUTS_PREFIX}{digest}\n"


def recorded_digest(marker: Path) -> str | None:
    """The digest a built site's marker records, if any."""
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((line.removeprefix(INPUTS_PREFIX) for line in lines if line.startswith(INPUTS_PREFIX)), None)
