"""Property-based tests of the trust boundary (hypothesis).

* Hostile Markdown for each field kind: either ``check`` refuses it, or the page it lands on (rendered by
  Python-Markdown with the extensions of ``mkdocs.yml``, as MkDocs renders it) and the exports hold no
  element or attribute outside the allow-list and no ``javascript:`` or ``data:`` URL.
* The fast path of :func:`generator.stages.markdown.problems` never accepts what :func:`parse` refuses.
* For generated data that ``check`` accepts, the real build succeeds (issue 10, item 9).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build.export import export_data
from generator.build.pipeline import build_site
from generator.build.sanitize import ATTRIBUTES, TAGS
from generator.stages import markdown as md
from generator.stages.check import check
from generator.stages.link import link_glossary
from generator.stages.render import render_html_bodies, render_pages
from tests.conftest import REPO, make_project

T = "data/terms/scaling-policy.yaml"
GOOD_TERM = (REPO / "tests/fixtures/minimal" / T).read_text(encoding="utf-8")

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)", "</p", "<a href=x>",
    "javascript:alert(1)", "JaVaScRiPt:", "java&#x73;cript:", "&#106;avascript:", "data:text/html,<b>", "vbscript:",
    "[x](", "](javascript:alert(1))", "](data:text/html,x)", "](https://example.org)", "](//evil.example)",
    "[x]: javascript:alert(1)", "[x]:", "[x][x]", "*[X]: y", "[^1]", "[^1]: note", "![i](https://evil.example/i.png)",
    "{ onclick=alert(1) }", "{: #id }", "{ .cls }", "{ style=x }", "{", "}", "<!--", "-->", "<![CDATA[", "]]>", "<?x",
    "# ", "=====", "-----", "***", "> ", "    ", "```", "~~~", "!!! note", "??? note", "| a |", "|---|", "- ", "1. ",
    "--8<-- \"/etc/passwd\"", "-8<-", "<https://example.org>", "<me@example.org>", "\\", "&", "&lt;script&gt;",
    "`code`", "*em*", "**strong**", "_u_", "[[scaling-policy]]", "[[red-teaming|label]]", "[[x|a](javascript:1)]]",
    "\u2028", "\u0085", "\t", "\"", "'", "(", ")", "  ",
]
WORDS = ["policy", "Scaling Policy", "red teaming", "SP", "safety", "level", "x", "a b", "https://example.org/a"]
PIECE = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.text(alphabet="<>[]()*_{}:#!&;=-\n ` \\/\"'",
                                                                              min_size=1, max_size=6))


def hostile(separators: str) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(PIECE, st.sampled_from(separators)), min_size=1, max_size=10).map(
        lambda parts: "".join(p + s for p, s in parts).strip() or "x")


FIELDS = {  # kind -> (top-level field of the term that has it, separators between pieces)
    "markdown": ("definition", ["", " ", "\n", "\n\n"]),
    "inline": ("definitions_note", ["", " "]),
    "plain": ("summary", ["", " "]),
}


def _term_with(field: str, text: str) -> str:
    lines = [line for line in GOOD_TERM.splitlines() if not line.startswith(f"{field}:")]
    return "\n".join(lines) + f"\n{field}: {json.dumps(text)}\n"


def _site_markdown(root: Path) -> markdown.Markdown:
    """Python-Markdown with the extensions and settings of mkdocs.yml, as MkDocs configures it."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        names.append(name)
        if isinstance(entry, dict) and entry[name]:
            configs[name] = dict(entry[name])
    configs["pymdownx.snippets"]["base_path"] = [str(root / "content" / "includes")]
    return markdown.Markdown(extensions=names, extension_configs=configs)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)
ALLOWED_ON_PAGE = TAGS | {"script", "small", "a", "h1", "h2", "h3"}
"""What a generated page may hold: the sanitizer's allow-list, plus the templates' own JSON-LD and notes."""


def assert_page_is_clean(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_ON_PAGE, tag
        assert tag != "img", "an image in the page"
        for name, value in attrs:
            allowed = ATTRIBUTES.get("*", set()) | ATTRIBUTES.get(tag, set()) | {"type", "data-preview", "href"}
            assert name in allowed and not name.startswith("on"), (tag, name)
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            assert not UNSAFE_URL.match(cleaned), (tag, name, value)


def _urls(value: object) -> list[str]:
    """Every string the exports give under a key that names a URL."""
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in ([v] if "url" in k.lower() and isinstance(v, str) else _urls(v))]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("hostile") / "project")


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_hostile_markdown_is_refused_or_harmless(workspace: Path, kind: md.TextKind) -> None:
    field, separators = FIELDS[kind]
    converter = _site_markdown(workspace)
    outcomes = {"refused": 0, "accepted": 0}

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
    @given(hostile(separators))
    def run(text: str) -> None:
        (workspace / T).write_text(_term_with(field, text), encoding="utf-8")
        glossary, findings = check(workspace)
        if findings:
            outcomes["refused"] += 1
            return
        outcomes["accepted"] += 1
        links = link_glossary(glossary)
        rendered = render_pages(glossary, links)
        pages = {p.path: p.text for p in rendered}
        converter.reset()
        html = converter.convert(pages["terms/scaling-policy.md"].split("\n---\n", 1)[1])
        assert_page_is_clean(html)  # the page as MkDocs (or another engine) converts its Markdown
        twin = render_html_bodies(glossary, links, [p for p in rendered if p.path == "terms/scaling-policy.md"])
        assert_page_is_clean(twin["terms/scaling-policy.md"].html)  # the HTML the build hands MkDocs
        exported = export_data(glossary)
        assert all(not UNSAFE_URL.match(url) for url in _urls(exported))
        term = next(t for t in exported["terms"] if t["id"] == "scaling-policy")
        if kind != "plain" and term.get(field):
            assert md.parse(term[field], kind).ok, term[field]

    run()
    assert outcomes["refused"] > 0  # the generator really produced hostile input


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab -*_\n>#=+1.!?:|[]()`{}<&\\~^", max_size=40))
def test_fast_path_never_accepts_what_the_parse_refuses(text: str) -> None:
    if md.is_plain_prose(text):
        assert md.parse(text, "markdown").ok, text
    if "\n" not in text and md.is_plain_prose(text, lists=False):
        assert md.parse(text, "inline").ok, text


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["A *claim*", "see [[red-teaming]]", "[x](https://example.org/a)", "- item",
                                 "1. step", "`code`", "{braces}", "a [^1] note", "[x]: y", "50% & more", "tab\tin",
                                 "\\back", "[[safety-level|label]]", "<b>", "x\n===", "\n\n", "**bold**"]),
                min_size=1, max_size=6))
def test_what_check_accepts_the_build_accepts(tmp_path: Path, parts: list[str]) -> None:
    root = tmp_path / "p"
    shutil.rmtree(root, ignore_errors=True)
    make_project(root)
    (root / T).write_text(_term_with("definition", " ".join(parts)), encoding="utf-8")
    if check(root)[1]:
        return
    build_site(root)
    assert (root / "site" / "terms" / "scaling-policy" / "index.html").exists()
