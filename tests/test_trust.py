"""The trust boundary (issue 10): nothing in a pull request's data reaches readers' browsers, files outside the
project, or crashes the build. One section per class of attack, each with several variants."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.synth import SynthRefused, synth
from generator.build import pipeline
from generator.build.pipeline import build_site, generate
from generator.build.steps import Step
from generator.commands.main import main
from generator.findings import Finding
from generator.project import GENERATED_MARK, SITE_MARKER, carries_generated_mark, read_manifest
from generator.stages import markdown as md
from generator.stages.check import check
from generator.stages.link import Linker, term_url
from generator.stages.load import parse_text
from generator.stages.write import remove_generated
from tests.conftest import REPO, edit, findings_of, make_project

T = "data/terms/scaling-policy.yaml"


_CODE = re.compile(r"^(\S+:\d+:\d+: )G\d{3} ", re.M)


def uncoded(text: str) -> str:
    """Findings without their codes (the corpus in test_bad_input.py asserts the codes)."""
    return _CODE.sub(r"\1", text)


def formatted(root: Path) -> list[str]:
    """Every finding of a check of ``root``, formatted, without its code."""
    return [uncoded(f.format()) for f in findings_of(root)]


def _tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and not p.relative_to(root).as_posix().startswith(skip)}


# --- 1 and 12: generated files are listed in the manifest AND carry the mark on their first line ---------------

@pytest.mark.parametrize("line", ["../README.md", "../../outside.txt", "{abs}", "terms/../../README.md",
                                  "./../README.md", "..\\README.md"])
def test_manifest_cannot_name_files_outside_content(project: Path, line: str) -> None:
    outside = project.parent / "outside.txt"
    outside.write_text(GENERATED_MARK + "\n", encoding="utf-8")
    (project / "README.md").write_text(GENERATED_MARK + "\n", encoding="utf-8")
    generate(project)
    manifest = project / "content" / ".generated"
    manifest.write_text(manifest.read_text() + line.format(abs=outside) + "\n", encoding="utf-8")
    assert line.format(abs=outside) not in read_manifest(project / "content")
    generate(project)
    remove_generated(project / "content")
    assert outside.exists() and (project / "README.md").exists()


def test_manifest_entry_through_a_symlink_is_not_followed(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text(GENERATED_MARK + "\n", encoding="utf-8")
    generate(project)
    (project / "content" / "link").symlink_to(elsewhere)
    manifest = project / "content" / ".generated"
    manifest.write_text(manifest.read_text() + "link/x.md\n", encoding="utf-8")
    assert [f.message for f in generate_findings(project)] == ["symbolic link leads outside content/"]
    assert "link/x.md" not in read_manifest(project / "content")
    remove_generated(project / "content")
    assert (elsewhere / "x.md").exists()


@pytest.mark.parametrize("text", [
    f"# Mine\n\n{GENERATED_MARK}\n",                       # quotes the mark in its body
    f"# Mine\n{GENERATED_MARK}\n",                         # on the second line
    f" {GENERATED_MARK}\n# Mine\n",                        # not exactly the mark
    f"---\ntitle: x\n---\n# Mine\n{GENERATED_MARK}\n",     # after the first line of the body
    f"{GENERATED_MARK} and more\n# Mine\n",                # the mark and more on the first line
])
def test_hand_written_page_quoting_the_mark_is_never_overwritten_or_deleted(project: Path, text: str) -> None:
    generate(project)
    page = project / "content" / "glossary" / "index.md"
    text += '\n--8<-- "abbreviations.md"\n'
    page.write_text(text, encoding="utf-8")
    assert not carries_generated_mark(text)
    assert [f.message for f in generate_findings(project)] == ["a hand-written page is in the way of a generated one"]
    assert page.read_text(encoding="utf-8") == text
    remove_generated(project / "content")
    assert page.read_text(encoding="utf-8") == text


def test_listed_page_without_the_mark_is_not_deleted_as_an_orphan(project: Path) -> None:
    generate(project)
    mine = project / "content" / "terms" / "gone.md"
    mine.write_text('# My notes\n\n--8<-- "abbreviations.md"\n', encoding="utf-8")
    manifest = project / "content" / ".generated"
    manifest.write_text(manifest.read_text() + "terms/gone.md\n", encoding="utf-8")
    generate(project)
    assert mine.exists()


def generate_findings(root: Path) -> list[Finding]:
    try:
        generate(root)
    except pipeline.GlossaryError as exc:
        return exc.findings
    return []


@pytest.mark.parametrize("where", ["project", "data", "content", "parent", "foreign", "file"])
def test_synth_refuses_the_project_and_foreign_directories(tmp_path: Path, where: str) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = {"project": REPO, "data": REPO / "data", "content": REPO / "content", "parent": REPO.parent,
           "foreign": foreign, "file": tmp_path / "file"}[where]
    with pytest.raises(SynthRefused):
        synth(10, out)
    assert (foreign / "keep.txt").read_text() == "mine"


def test_synth_rewrites_its_own_output(tmp_path: Path) -> None:
    synth(10, tmp_path / "s")
    synth(12, tmp_path / "s")
    assert len(list((tmp_path / "s" / "data" / "terms").glob("*.yaml"))) == 12


# --- 2: data reaching the page head is escaped for it ---------------------------------------------------------

HOSTILE_SUMMARY = '0;url=https://evil.example/" http-equiv="refresh'


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.metas: list[dict[str, str | None]] = []
        self.title, self._in_title = "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.metas.append(dict(attrs))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def head_of(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def hostile_head_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("head") / "project")
    edit(root, T, "summary: A commitment to match safeguards to capabilities.", f"summary: '{HOSTILE_SUMMARY}'")
    edit(root, T, "title: Scaling Policy", "title: 'Scaling & \"Policy\" R&D'")
    edit(root, "data/frameworks/alpha.yaml", "summary: The Alpha Lab's scaling policy.",
         f"summary: '{HOSTILE_SUMMARY} framework'")
    edit(root, "data/site.yaml", "description: A small glossary used by the tests.",
         f"description: '{HOSTILE_SUMMARY} site'")
    edit(root, "data/chapters.yaml", "    title: Basics\n", f"    title: Basics\n    summary: '{HOSTILE_SUMMARY} chapter'\n")
    assert findings_of(root) == []
    build_site(root)
    return root / "site"


@pytest.mark.parametrize("page, value", [
    ("terms/scaling-policy/index.html", HOSTILE_SUMMARY),
    ("frameworks/alpha/index.html", HOSTILE_SUMMARY + " framework"),
    ("index.html", HOSTILE_SUMMARY + " site"),
    ("chapters/{chapter}/index.html", HOSTILE_SUMMARY + " chapter"),
])
def test_summaries_in_the_head_stay_one_attribute(hostile_head_site: Path, page: str, value: str) -> None:
    page = page.format(chapter="ch1-basics")
    head = head_of(hostile_head_site / page)
    assert not [m for m in head.metas if "http-equiv" in m]
    descriptions = [m for m in head.metas if m.get("name") == "description"]
    assert descriptions == [{"name": "description", "content": value}]


def test_title_in_the_head_is_escaped(hostile_head_site: Path) -> None:
    head = head_of(hostile_head_site / "terms/scaling-policy/index.html")
    assert head.title.startswith('Scaling & "Policy" R&D - ')
    raw = (hostile_head_site / "terms/scaling-policy/index.html").read_text(encoding="utf-8")
    assert "<title>Scaling &amp; &quot;Policy&quot; R&amp;D - " in raw


# --- 3: Markdown in data is judged by what it renders to ------------------------------------------------------

ATTR = "attribute lists ('{: ...}', '{ ... }') are not allowed in data text"
LINK = "link target {!r} is not allowed: use an https:// URL, or [[term-id]] for a glossary term"
RAW = "raw HTML is not allowed: write Markdown, or describe the tag in `code`"
TAG = "an HTML tag is not allowed, even an unterminated one: write Markdown, or put the tag in `code`"
REFDEF = ("reference-style link definitions ('[name]: url') are not allowed in data text: "
          "write the link inline as [text](https://...)")
HEADING = "a heading (<h1>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"

MARKDOWN_CASES = [
    # attribute lists, with and without the colon, on blocks, inline elements and table cells
    ("markdown", "Text\n{ onclick=alert(1) }", ATTR + " (found 'onclick')"),
    ("markdown", "Text\n{: #cite }", ATTR + " (found 'id')"),
    ("markdown", "*x*{ onclick=alert(1) }", ATTR + " (found 'onclick')"),
    ("inline", "x { id=cite }", ATTR + " (found 'id')"),
    ("inline", "x { .md-button }", ATTR + " (found 'class')"),
    ("markdown", "- item { id=cite }\n- other\n{ id=x }", ATTR + " (found 'id')"),
    # reference-style definitions, with dangerous and harmless targets
    ("markdown", "[x][y]\n\n[y]: javascript:alert(1)", REFDEF),
    ("markdown", "[y]: https://example.org", REFDEF),
    ("inline", "[y]: <javascript:alert(1)>", REFDEF),
    # schemes split by an entity, a newline, a tab, or a backslash; other schemes
    ("markdown", "[x](java&#x73;cript:alert(1))", LINK.format("javascript:alert(1)")),
    ("markdown", "[x](java&#10;script:alert(1))", LINK.format("java\nscript:alert(1)")),
    ("markdown", "[x](java\nscript:alert(1))", LINK.format("java\nscript:alert(1)")),
    ("markdown", "[x](https://a.org/\\evil)", LINK.format("https://a.org/\\evil")),
    ("markdown", "[x](data:text/html;base64,PHNjcmlwdD4=)", LINK.format("data:text/html;base64,PHNjcmlwdD4=")),
    ("inline", "<me@example.org>", LINK.format("mailto:me@example.org")),
    ("inline", "[x](//evil.example)", LINK.format("//evil.example")),
    ("inline", "[x](../terms/other.md)", LINK.format("../terms/other.md")),
    # setext and ATX headings, rules, block quotes, code blocks, tables, admonitions
    ("markdown", "Title\n=====", HEADING),
    ("markdown", "Title\n-----", "a heading (<h2>) is not allowed in a Markdown text: write paragraphs and lists; "
                                 "the page supplies the headings"),
    ("markdown", "Text.\n\n---\n\nMore.", "a horizontal rule (<hr>) is not allowed in a Markdown text: write paragraphs and "
                                         "lists; the page supplies the headings"),
    ("markdown", "> quoted", "a block quote (<blockquote>) is not allowed in a Markdown text: write paragraphs and "
                             "lists; the page supplies the headings"),
    ("markdown", "!!! danger\n    boo", "a block (code fence, admonition or details) (<div>) is not allowed in a Markdown text: "
                                       "write paragraphs and lists; the page supplies the headings"),
    ("inline", "# x", "a heading (<h1>) is not allowed in one line of inline Markdown: inline Markdown allows "
                      "emphasis, code and links only"),
    ("inline", "- x", "a list (<ul>) is not allowed in one line of inline Markdown: inline Markdown allows emphasis, "
                      "code and links only"),
    # abbreviation definitions and footnotes
    ("markdown", "*[HTML]: Hyper Text\n\nHTML", "abbreviation definitions ('*[X]: ...') are not allowed in data text: "
                                              "give the term an abbreviation: field instead"),
    ("inline", "*[SP]: Something else", "abbreviation definitions ('*[X]: ...') are not allowed in data text: "
                                        "give the term an abbreviation: field instead"),
    ("markdown", "Claim.[^1]\n\n[^1]: A note.", "footnotes ('[^1]: ...') are not allowed in data text: the site does "
                                               "not render them; cite the source in sources: instead"),
    # raw HTML in all its forms, terminated or not
    ("markdown", "<![CDATA[ <script>alert(1)</script> ]]>", RAW),
    ("markdown", "Text <!-- hidden -->", RAW),
    ("inline", "a <span onclick=x>b</span>", RAW),
    ("inline", "a <img src=x onerror=alert(1)", TAG),
    ("markdown", "a <script", TAG),
    ("inline", "a </p", TAG),
    # images load from another host
    ("inline", "![pixel](https://tracker.example/p.png)", "images are not allowed in data text "
                                                          "(they would load from another host)"),
    ("markdown", "![x](https://a.org/x.png)", "images are not allowed in data text (they would load from another host)"),
    # snippets
    ("markdown", '--8<-- "/etc/passwd"', "snippet markers ('--8<--') are not allowed in data text: "
                                         "data never includes files"),
    ("inline", "see -8<- 'x'", "snippet markers ('--8<--') are not allowed in data text: data never includes files"),
]


@pytest.mark.parametrize("kind, text, message", MARKDOWN_CASES, ids=[f"{c[0]}:{c[1][:24]}" for c in MARKDOWN_CASES])
def test_markdown_the_kind_does_not_allow_is_refused(kind: md.TextKind, text: str, message: str) -> None:
    assert message in [p.message for p in md.parse(text, kind).problems]


@pytest.mark.parametrize("kind, text", [
    ("markdown", "A *b* and **c**, `<code>` and [a link](https://example.org/a?b=1&c=2#d).\n\n- one\n- two\n\n1. x"),
    ("markdown", "Say [[scaling-policy|the *policy*]] or [[red-teaming]]; 3 < 4 and a & b."),
    ("inline", "A *b* with `x{ y }` and <https://example.org>."),
    ("inline", "Braces {like these} are text."),
])
def test_ordinary_markdown_is_accepted_and_renders_the_same(kind: md.TextKind, text: str) -> None:
    parsed = md.parse(text, kind)
    assert parsed.ok, parsed.problems
    html = md.render_html(parsed.tree)
    assert md.parse(text, kind).tree == parsed.tree and html == md.render_html(parsed.tree)


def test_render_html_escapes_text_and_attributes() -> None:
    tree = md.Element("div", children=(md.Element("a", (("href", 'https://x.org/"><script>'),), ("<b>&",)),))
    assert md.render_html(tree) == '<a href="https://x.org/&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;</a>'


def test_markdown_extensions_match_the_site() -> None:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert [n for n in names if n != "pymdownx.snippets"] == list(md.EXTENSIONS)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\t", "\u202e", "\x00"])
@pytest.mark.parametrize("field", ["title", "definition"])
def test_line_separators_and_control_characters_are_refused(project: Path, char: str, field: str) -> None:
    line = edit(project, T, f"{field}: ", f'{field}: "x\\u{ord(char):04x}y" #')
    found = [f for f in findings_of(project) if f.path == T and f.line == line]
    assert found and f"character U+{ord(char):04X}" in found[0].message, formatted(project)


def test_markdown_finding_points_at_the_line_in_a_block_scalar(project: Path) -> None:
    line = edit(project, T, "definition: A scaling policy defines safety levels and the evaluations that trigger them.",
                "definition: |\n  First paragraph.\n\n  Second with [x](javascript:alert(1)).")
    found = formatted(project)
    assert f"{T}:{line + 3}:19: definition: " + LINK.format("javascript:alert(1)") in found


def test_exported_text_holds_only_allowed_markup(tmp_path: Path) -> None:
    from generator.build.export import export_data
    from generator.stages.check import checked_glossary

    g = checked_glossary(REPO)
    data = export_data(g)
    texts = [(t.get("definition"), "markdown") for t in data["terms"]] + [
        (c["text"], "inline") for t in data["terms"] for c in t.get("claims", [])]
    checked = [(text, kind) for text, kind in texts if text]
    assert len(checked) > 50
    for text, kind in checked:
        assert md.parse(text, kind).ok, text


# --- 4: snippets and data files stay inside the project -------------------------------------------------------

@pytest.mark.parametrize("make, reason", [
    (lambda p: os.mkfifo(p), "file is a FIFO, not a regular file"),
    (lambda p: p.symlink_to("/etc/hostname"), "file is a symbolic link to a file outside the project"),
    (lambda p: p.mkdir(), "file is a directory, not a data file"),
    (lambda p: p.symlink_to("/dev/zero"), "file is a symbolic link to a file outside the project"),
])
def test_special_data_files_are_refused_fast(project: Path, make, reason: str) -> None:
    target = project / "data" / "terms" / "evil.yaml"
    make(target)
    started = time.perf_counter()
    found = formatted(project)
    assert time.perf_counter() - started < 5
    assert any(f.startswith(f"data/terms/evil.yaml:1:1: {reason}") for f in found), found


@pytest.mark.parametrize("name, problem", [
    ("../../secret.txt", "leads outside content/includes/"),
    ("/etc/passwd", "leads outside content/includes/"),
    ("missing.md", "does not exist in content/includes/"),
    ("link.md", "leads outside content/includes/"),
    ("https://evil.example/x.md", "is a URL: snippets are never downloaded"),
])
def test_snippets_resolve_only_to_files_in_includes(project: Path, name: str, problem: str) -> None:
    (project / "content" / "includes").mkdir(exist_ok=True)
    (project / "content" / "includes" / "link.md").symlink_to("/etc/hostname")
    line = edit(project, "content/about.md", '--8<-- "abbreviations.md"', f'--8<-- "{name}"')
    found = formatted(project)
    assert f"content/about.md:{line}:9: snippet '{name}' {problem} (snippets come from content/includes/ only)" in found


def test_symlinked_folder_in_content_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (project / "content" / "notes").symlink_to(tmp_path / "secrets")
    assert "content/notes:1:1: symbolic link leads outside content/ (copy the file into content/ instead)" in formatted(project)


def test_a_data_field_cannot_include_a_file(project: Path) -> None:
    edit(project, T, "definition: A scaling", "definition: '--8<-- \"/etc/hostname\"' # A scaling")
    assert any("snippet markers" in f.message for f in findings_of(project))


# --- 5: no crash, no hang -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("a: &a\n  <<: *a\n  x: 1\n", "x.yaml:2:3: document is too large: a merge key '<<' merges a mapping into itself"),
    ("m0: &m0 {a: 1, b: 2, c: 3, d: 4}\n" + "".join(
        f"m{i}: &m{i}\n  <<: [" + ", ".join([f"*m{i - 1}"] * 8) + "]\n" for i in range(1, 12)),
     "document is too large: more than 200000 values (merge keys or aliases expanded)"),
    ("a: " + "9" * 5000 + "\n", "x.yaml:1:4: a number of 5000 digits is too long (at most 30)"),
    ("a: -" + "1" * 31 + "\n", "x.yaml:1:4: a number of 32 digits is too long (at most 30)"),
])
def test_loader_reports_instead_of_crashing(text: str, message: str) -> None:
    started = time.perf_counter()
    doc, findings = parse_text(text, "x.yaml")
    assert time.perf_counter() - started < 1
    assert doc is None and any(message in uncoded(f.format()) for f in findings), [f.format() for f in findings]


def test_ids_too_long_for_a_file_name_are_refused(project: Path) -> None:
    long_id = "a" * 300
    (project / "data" / "terms" / f"{'b' * 200}.yaml").write_text(
        (project / T).read_text().replace("id: scaling-policy", f"id: {long_id}"), encoding="utf-8")
    found = formatted(project)
    assert any("id is 300 characters long, over the limit of 80" in f for f in found), found


def test_site_that_is_a_file_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "site").write_text("not a site", encoding="utf-8")
    assert main(["build", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "it is a file, not a site" in err and "Traceback" not in err
    assert (project / "site").read_text() == "not a site"


def test_full_disk_during_post_build_is_one_line(project: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(project)
    before = _tree(project / "site")

    def full(glossary: object, site: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(site / "glossary.json"))

    monkeypatch.setattr(pipeline, "POST_BUILD_STEPS", (pipeline.POST_BUILD_STEPS[0], Step("export", full)))
    assert main(["build", "--force", "--root", str(project)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: cannot write the site: No space left on device (")
    assert _tree(project / "site") == before
    assert not list(project.glob(".site.tmp-*"))


def test_sigint_while_starting_prints_no_traceback_of_ours(project: Path) -> None:
    """From the moment the package loads, an interrupt is one line; CPython's own start-up (before any of
    our code runs) may still print its own traceback, which names no module of ours."""
    for delay in (0.02, 0.05, 0.08, 0.12, 0.2, 0.4):
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(project)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "generator" not in err.split("Traceback", 1)[1] if "Traceback" in err else True, err
        if "Fatal Python error" in err or "Traceback" in err:
            continue  # CPython's own start-up was interrupted, before any module of ours ran
        if proc.returncode not in (0, -signal.SIGINT):
            assert proc.returncode == 130 and err.strip().splitlines()[-1] == "interrupted; the previous site is unchanged", (
                delay, proc.returncode, err)


def test_a_data_folder_linked_outside_the_project_is_not_read(project: Path, tmp_path: Path) -> None:
    """Data files are inside the project when their folder is: a folder that is a link to elsewhere is refused
    for every file in it (each folder is resolved once per load, so this is the path every file takes)."""
    outside = tmp_path / "outside-terms"
    shutil.move(str(project / "data" / "terms"), outside)
    (project / "data" / "terms").symlink_to(outside)
    _, findings = check(project)
    refused = [f for f in findings if "symbolic link to a file outside the project" in f.message]
    assert {f.path for f in refused} == {f"data/terms/{p.name}" for p in outside.glob("*.yaml")} and refused


def test_diff_over_a_commit_with_an_absolute_symlink(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (project / "data" / "terms" / "leak.yaml").symlink_to("/etc/hostname")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    (project / "data" / "terms" / "leak.yaml").unlink()
    started = time.perf_counter()
    assert main(["diff", "HEAD", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 10
    assert "Traceback" not in err and "HEAD:data/terms/leak.yaml:1:1: refusing to extract" in err


# --- 6: linking stays linear whatever the text ----------------------------------------------------------------

@pytest.mark.parametrize("unit", ["< ", "[[ ", "[a](", "[x] ", "` x", "[a](b){ ", "https://a ", "<a ", "[[a]]", "[^"])
def test_linking_hostile_text_stays_linear(unit: str) -> None:
    """Quadratic scanning took 236 s on 600 KB of "< "; linear scanning takes a few hundredths of a second.
    The bound is loose on purpose (a loaded machine must not fail it); `make bench` reports the ratio to prose."""
    from generator.stages.check import checked_glossary

    linker = Linker(checked_glossary(REPO).terms.values(), term_url)
    hostile = (unit * (600_000 // len(unit) + 1))[:600_000]
    assert min(_timed(lambda: linker.link(hostile, set())) for _ in range(2)) < 3.0


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


# --- 8: one build at a time; leftovers of killed builds are removed ---------------------------------------------

def test_second_build_says_another_is_running(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / ".site.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("pid 4242")
        handle.flush()
        started = time.perf_counter()
        assert main(["build", "--root", str(project)]) == 1
        assert time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert err.strip() == "error: another build is running (pid 4242); wait for it to finish, then build again"
    assert not (project / "site").exists()


def test_killed_builds_leave_nothing_behind_the_next(project: Path) -> None:
    for name in (".site.tmp-999999", ".site.old-999998"):
        (project / name / "assets").mkdir(parents=True)
    build_site(project)
    assert not list(project.glob(".site.tmp-*")) and not list(project.glob(".site.old-*"))
    assert (project / "site" / SITE_MARKER).exists()


def test_two_concurrent_builds_do_not_crash(project: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(project)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all("Traceback" not in err for _, err in results), results
    assert sorted(code for code, _ in results)[0] == 0
    for code, err in results:
        assert code == 0 or "another build is running" in err
    assert (project / "site" / "index.html").exists()


# --- 9: what check accepts, the build accepts ------------------------------------------------------------------

@pytest.mark.parametrize("definition, message", [
    ("'A claim.[^1]\n\n  [^1]: note'", "footnotes ('[^1]: ...') are not allowed"),
    ("'See [x](https://a.org/\ta).'", "character U+0009"),
    ("'See [x](https://a.org\\\\x).'", "link target 'https://a.org\\\\x' is not allowed"),
    ("'See [x](other.md).'", "link target 'other.md' is not allowed"),
])
def test_check_refuses_what_the_build_would_reject(project: Path, definition: str, message: str) -> None:
    line = edit(project, T, "definition: A scaling policy defines safety levels and the evaluations that trigger them.",
                f"definition: {definition}")
    found = [f for f in findings_of(project) if f.path == T]
    assert any(message in f.message and f.line >= line for f in found), [f.format() for f in found]


# --- 10: output directory -------------------------------------------------------------------------------------

@pytest.mark.parametrize("site_dir", ["data/site", "content/site", "generator/out", "tests/site", "data"])
def test_site_dir_inside_a_source_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str],
                                                    site_dir: str) -> None:
    (project / "tests").mkdir(exist_ok=True)
    line = edit(project, "mkdocs.yml", "site_dir: site", f"site_dir: {site_dir}")
    before = _tree(project)
    assert main(["build", "--root", str(project)]) == 1
    err = uncoded(capsys.readouterr().err)
    assert f"mkdocs.yml:{line}:1: refusing to build into" in err and "it holds the project's own files" in err
    assert _tree(project) == before


@pytest.mark.parametrize("value", ["!ENV GLOSSARY_UNSET_DIR", "!ENV [GLOSSARY_UNSET_DIR]", "''"])
def test_site_dir_that_resolves_to_nothing_is_refused(project: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.delenv("GLOSSARY_UNSET_DIR", raising=False)
    monkeypatch.delenv("GLOSSARY_UNSET_2", raising=False)
    line = edit(project, "mkdocs.yml", "site_dir: site", f"site_dir: {value}")
    assert main(["build", "--root", str(project)]) == 1
    err = uncoded(capsys.readouterr().err)
    assert f"mkdocs.yml:{line}:1: site_dir resolves to" in err and "Traceback" not in err
    assert not (project / "None").exists()


def test_site_dir_from_a_set_env_variable_is_used(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.project import site_dir_of

    monkeypatch.setenv("GLOSSARY_OUT", "public")
    edit(project, "mkdocs.yml", "site_dir: site", "site_dir: !ENV [GLOSSARY_OUT, site]")
    assert site_dir_of(project) == (project / "public").resolve()
    monkeypatch.delenv("GLOSSARY_OUT")
    assert site_dir_of(project) == (project / "site").resolve()


# --- 11: GitHub annotations cannot be forged ------------------------------------------------------------------

@pytest.mark.parametrize("path, message, expected", [
    ("data/a,line=1::x.yaml", "m", "::error file=data/a%2Cline=1%3A%3Ax.yaml,line=2,col=3::m"),
    ("data/a\n::error file=x::forged.yaml", "m", "::error file=data/a%0A%3A%3Aerror file=x%3A%3Aforged.yaml,line=2,col=3::m"),
    ("data/100%.yaml", "50%\r\n::warning::x", "::error file=data/100%25.yaml,line=2,col=3::50%25%0D%0A::warning::x"),
])
def test_github_annotations_escape_file_names_and_messages(path: str, message: str, expected: str) -> None:
    assert Finding(path, 2, 3, message).format_github() == expected
    assert "\n" not in expected and "\r" not in expected


# --- tree snapshots -------------------------------------------------------------------------------------------

def test_refused_build_changes_nothing_outside_site(project: Path) -> None:
    build_site(project)
    shutil.rmtree(project / "site")
    edit(project, T, "definition: A scaling", "definition: '<script>alert(1)</script>' # A scaling")
    before = _tree(project)
    assert main(["build", "--root", str(project)]) == 1
    assert _tree(project) == before


# --- 7: one registry of URLs and anchors; reserved names; version anchors from names ---------------------------

A = "data/frameworks/alpha.yaml"


def _rename_framework(root: Path, new: str) -> None:
    (root / A).write_text((root / A).read_text().replace("id: alpha\n", f"id: {new}\n"), encoding="utf-8")
    (root / A).rename(root / f"data/frameworks/{new}.yaml")
    for rel in ("data/terms/safety-level.yaml", "data/crosswalk.yaml"):
        text = (root / rel).read_text(encoding="utf-8")
        (root / rel).write_text(text.replace("framework: alpha", f"framework: {new}").replace("alpha/", f"{new}/"),
                                encoding="utf-8")


@pytest.mark.parametrize("new, expected", [
    ("index", "data/frameworks/index.yaml:1:5: id: 'index' is reserved: a framework page with it would replace "
              "the folder's own page (choose another id)"),
    ("compare", "data/frameworks/compare.yaml:1:5: id: 'compare' gives the address /frameworks/compare/, which a "
                "page or heading of the site already has (choose another id)"),
])
def test_framework_ids_that_take_a_site_page_are_refused(project: Path, new: str, expected: str) -> None:
    _rename_framework(project, new)
    assert expected in formatted(project)


def test_term_and_chapter_ids_index_are_refused(project: Path) -> None:
    (project / T).write_text((project / T).read_text().replace("id: scaling-policy", "id: index"), encoding="utf-8")
    (project / T).rename(project / "data/terms/index.yaml")
    edit(project, "data/chapters.yaml", "id: ch1-basics", "id: index")
    found = formatted(project)
    assert ("data/terms/index.yaml:1:5: id: 'index' is reserved: a term page with it would replace the folder's "
            "own page (choose another id)") in found
    assert any(f.startswith("data/chapters.yaml:2:9: id: 'index' is reserved: a chapter page") for f in found), found


@pytest.mark.parametrize("old, new, line, col, anchor, owner", [
    ("  - id: bio-1", "  - id: al-2", 35, 9, "al-2", "data/frameworks/alpha.yaml:27:11"),
    ("  - id: bio-1", "  - id: levels", 35, 9, "levels", "a page or heading of the site"),
    ("  - id: bio-1", "  - id: sources", 35, 9, "sources", "a page or heading of the site"),
    ("  - id: bio-1", "  - id: version-2-0", 35, 9, "version-2-0", "data/frameworks/alpha.yaml:12:14"),
    ("    - id: al-1", "    - id: versions", 19, 11, "versions", "a page or heading of the site"),
    ("    - id: al-1", "    - id: alpha-scaling-policy", 19, 11, "alpha-scaling-policy", "a page or heading of the site"),
])
def test_anchors_that_collide_are_refused_at_their_line(project: Path, old: str, new: str, line: int, col: int,
                                                        anchor: str, owner: str) -> None:
    text = (project / A).read_text(encoding="utf-8").replace(old, new, 1)
    text = text.replace("requires: al-2", "requires: al-2") if "al-1" not in old else text.replace("requires: al-1", "")
    (project / A).write_text(text, encoding="utf-8")
    found = formatted(project)
    where = "thresholds[0].id" if "bio-1" in old else "scale.levels[0].id"
    assert (f"{A}:{line}:{col}: {where}: '{anchor}' gives the address /frameworks/alpha/#{anchor}, which {owner} "
            "already has (choose another id)") in found, found


def test_version_anchors_come_from_names_and_survive_an_inserted_version(project: Path) -> None:
    from generator.urls import version_anchor

    assert [version_anchor(v) for v in ("2.0", "2.1", "21", "v3 (draft)")] == [
        "version-2-0", "version-2-1", "version-21", "version-v3-draft"]
    page = project / "content" / "frameworks" / "alpha.md"
    generate(project)
    before = page.read_text(encoding="utf-8")
    edit(project, A, '  - version: "2.0"', '  - version: "1.5"\n    date: 2023-09-01\n    source: alpha-policy\n'
                                           '  - version: "2.0"')
    generate(project)
    after = page.read_text(encoding="utf-8")
    for anchor in ("{ #version-1-0 }", "{ #version-2-0 }"):
        assert anchor in before and anchor in after
    assert "{ #version-1-5 }" in after and "#version-3" not in after
