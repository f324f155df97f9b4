"""The glossary's public address: one setting, read once, used by every page and export.

Rule: ``url`` in ``data/site.yaml`` is the address, unless the environment variable
:data:`SITE_URL_ENV` is set (the Pages workflow sets it from ``actions/configure-pages``);
:data:`REPO_URL_ENV` likewise overrides ``repo_url``. :func:`apply_overrides` runs while
``data/site.yaml`` is loaded, so MkDocs' ``site_url``, canonical links, the sitemap, JSON,
SKOS, JSON-LD, BibTeX, CSL-JSON, the feed and the inventory all read the same value.

A release build (``python -m generator build --release``) refuses a placeholder host
(:func:`release_problems`): a deployed site that cites example.org is a broken citation.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ..findings import ADDRESS, Finding
from ..model.records import Site
from .load import Document

SITE_URL_ENV = "GLOSSARY_SITE_URL"
"""Overrides ``url`` of data/site.yaml: the address the site is served at."""

REPO_URL_ENV = "GLOSSARY_REPO_URL"
"""Overrides ``repo_url`` of data/site.yaml: the repository that holds data/ (for edit links)."""

OVERRIDES = {"url": SITE_URL_ENV, "repo_url": REPO_URL_ENV}
"""Field of data/site.yaml -> the environment variable that overrides it."""

_HTTP_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s<>\"'{}|\\^`]*)?$")

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
"""Hosts (and their subdomains) that are never a public address; so are the reserved
top-level domains of RFC 2606 and loopback addresses (:func:`is_placeholder`)."""

_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost", ".local")


def is_placeholder(url: str) -> bool:
    """Whether ``url`` names a host that cannot be the glossary's public address."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return (not host or any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)
            or host.endswith(_RESERVED_TLDS) or host.startswith("127.") or host in {"0.0.0.0", "::1"})


def with_slash(url: str) -> str:
    """``url`` with exactly one trailing slash (a base URL that relative paths join onto)."""
    return url.rstrip("/") + "/"


def apply_overrides(site: Site, doc: Document) -> tuple[Site, list[Finding]]:
    """``site`` with ``url`` and ``repo_url`` taken from the environment where set;
    a malformed value is a finding and leaves the data's value in place."""
    updates: dict[str, str] = {}
    findings = []
    for name, variable in OVERRIDES.items():
        value = os.environ.get(variable, "").strip()
        if not value:
            continue
        if _HTTP_URL.match(value):
            updates[name] = with_slash(value) if name == "url" else value.rstrip("/")
        else:
            findings.append(Finding(f"${variable}", 1, 1, f"'{value}' is not an http(s) URL",
                                    f"set {variable} to an address such as https://owner.github.io/glossary/, "
                                    f"or unset it to use {name} of {doc.path}", code=ADDRESS))
    return (site.model_copy(update=updates) if updates else site), findings


def release_problems(site: Site | None, doc: Document | None) -> list[Finding]:
    """A release build needs a public address: no placeholder host (example.org, localhost ...)."""
    if site is None or not is_placeholder(site.url):
        return []
    if os.environ.get(SITE_URL_ENV, "").strip():
        path, line, col = f"${SITE_URL_ENV}", 1, 1
    elif doc is not None:
        mark = doc.mark(("url",))
        path, line, col = doc.path, mark.line, mark.col
    else:
        path, line, col = "data/site.yaml", 1, 1
    return [Finding(path, line, col, f"release build refused: '{site.url}' is a placeholder address, "
                    "so every citation, canonical link and export would point to it",
                    f"set url in data/site.yaml to the public address, or {SITE_URL_ENV} "
                    "(the Pages workflow sets it from actions/configure-pages)", code=ADDRESS)]
