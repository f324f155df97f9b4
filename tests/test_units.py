"""Direct unit tests of small pieces the golden files only cover indirectly: the linker's word
forms, the render stage's escaping filters, and the pictures."""

from __future__ import annotations

import html
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.stages.link import whole_word_matches, word_forms
from generator.stages.page_html import trie_pattern
from generator.stages.pictures import comparison_svg, ladder_svg, timeline_svg
from generator.stages.render import AbbreviationIndex, escape_attr, escape_cell, escape_plain, front_matter, tidy_markdown
from generator.stages.validate import Glossary, load_glossary

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
SVG = "{http://www.w3.org/2000/svg}"


# --- word forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "forms"), [
    ("policy", {"policy", "policies"}),
    ("policies", {"policies", "policy"}),
    ("safeguard", {"safeguard", "safeguards"}),
    ("safeguards", {"safeguards", "safeguard"}),
    ("approach", {"approach", "approaches"}),
    ("approaches", {"approaches", "approach"}),
    ("process", {"process", "processes"}),
    ("box", {"box", "boxes"}),
    ("key", {"key", "keys"}),  # a vowel before y: keys, not kies
    ("consensus", {"consensus"}),  # -us is not a plural
    ("analysis", {"analysis"}),  # -is is not a plural
    ("Responsible Scaling Policy", {"Responsible Scaling Policy", "Responsible Scaling Policies"}),  # last word only
    ("ASL", {"ASL", "ASLs"}),
])
def test_word_forms(name: str, forms: set[str]) -> None:
    assert word_forms(name) == forms


def test_word_forms_of_short_words() -> None:
    assert word_forms("ties") == {"ties", "tie"}  # too short for -ies -> -y
    assert word_forms("by") == {"by", "bys"}  # too short to become 'bies'


# --- escaping filters ----------------------------------------------------------------------------

HOSTILE = ["*bold* _it_ `code` [link](x) <b>tag</b> # | {attr} \\ &amp; &", "a|b", "<!-- c --> <x y='1'>",
           'say "hi"', "# not a heading", "1. not a list"]
SITE_EXTENSIONS = ["abbr", "attr_list", "admonition", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
"""The Markdown extensions of mkdocs.yml (snippets aside): the ones that read the escaped text."""


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_renders_literally(value: str) -> None:
    """What escape_plain lets through, the site's Markdown shows as the very text: no markup, no tag,
    no stray backslash, no entity decoded."""
    html = markdown.markdown(escape_plain(value), extensions=SITE_EXTENSIONS)
    root = ET.fromstring(f"<root>{html}</root>")
    assert [el.tag for el in root.iter()] == ["root", "p"]
    assert "".join(root.itertext()) == value


def test_cell_keeps_a_table_row_whole() -> None:
    assert escape_cell("a|b\nc") == "a\\|b c"
    table = markdown.markdown(f"| x |\n| --- |\n| {escape_cell('one | two')} |", extensions=["tables"])
    assert table.count("<td>") == 1 and "one | two" in table


def test_attr_cannot_close_its_quotes() -> None:
    value = escape_attr('a "quoted" \\ value\nover lines')
    assert '"' not in value and "\\" not in value and "\n" not in value
    assert value == "a 'quoted'  value over lines"


@pytest.mark.parametrize("value", ["plain", "colon: here", "- dash", "#hash", "quote \"'", "yes", "null", "1.0", "é ☃"])
def test_front_matter_reads_back_as_the_html_escaped_string(value: str) -> None:
    """The theme writes front-matter titles and descriptions into the head unescaped: they are escaped here."""
    assert yaml.safe_load(f"title: {front_matter(value)}") == {"title": html.escape(value, quote=True)}
    assert json.loads(front_matter(value)) == html.escape(value, quote=True)


# --- pictures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def glossary() -> Glossary:
    g, findings = load_glossary(FIXTURE)
    assert findings == []
    return g


def _svg(figure: str) -> ET.Element:
    """The figure parsed as XML (every picture is well-formed, so it is escaped)."""
    root = ET.fromstring(figure)
    assert root.tag == "figure" and "\n\n" not in figure  # Markdown passes a block without blank lines through
    return root


def _check_accessible(root: ET.Element) -> ET.Element:
    svg = root.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") in ("img", "group")
    labelled = svg.get("aria-labelledby", "").split()
    ids = {el.get("id") for el in svg.iter() if el.get("id")}
    assert labelled and set(labelled) <= ids
    assert (svg.findtext(f"{SVG}title") or "").strip() and (svg.findtext(f"{SVG}desc") or "").strip()
    assert (root.findtext("figcaption") or "").strip()
    return svg


def test_ladder_links_each_level_to_its_anchor_highest_first(glossary: Glossary) -> None:
    fw = glossary.frameworks["alpha"]
    svg = _check_accessible(_svg(ladder_svg(fw)))
    hrefs = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert hrefs == [f"#{level.id}" for level in reversed(fw.scale.levels)]


def test_timeline_marks_every_version(glossary: Glossary) -> None:
    frameworks = list(glossary.frameworks.values())
    svg = _check_accessible(_svg(timeline_svg(frameworks)))
    assert len(list(svg.iter(f"{SVG}circle"))) == sum(len(fw.versions) for fw in frameworks)
    desc = svg.findtext(f"{SVG}desc") or ""
    assert all(v.date.isoformat() in desc for fw in frameworks for v in fw.versions)


def test_comparison_links_levels_to_their_framework_pages(glossary: Glossary) -> None:
    frameworks = list(glossary.frameworks.values())
    svg = _check_accessible(_svg(comparison_svg(frameworks, glossary.crosswalk)))
    hrefs = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert hrefs == {f"../{fw.id}/#{level.id}" for fw in frameworks if fw.scale for level in fw.scale.levels}
    lines = [line for line in svg.iter(f"{SVG}line") if "gl-map" in (line.get("class") or "")]
    assert len(lines) == 1 + 2  # alpha/al-2 -> beta/bl-2 (a mapping to nothing draws none), and the legend's two


def test_pictures_escape_data(glossary: Glossary) -> None:
    fw = glossary.frameworks["alpha"]
    assert fw.scale is not None
    hostile = fw.scale.levels[0].model_copy(update={"label": '<script>alert("x")</script>', "id": 'a"b'})
    scale = fw.scale.model_copy(update={"levels": [hostile, *fw.scale.levels[1:]]})
    ladder = ladder_svg(fw.model_copy(update={"scale": scale}))
    _svg(ladder)  # still well-formed XML
    assert "<script>" not in ladder and "&lt;script&gt;" in ladder and 'href="#a&quot;b"' in ladder


def test_no_scale_no_ladder_and_no_versions_no_timeline(glossary: Glossary) -> None:
    fw = glossary.frameworks["alpha"].model_copy(update={"scale": None})
    assert ladder_svg(fw) == ""
    assert timeline_svg([]) == ""


@pytest.mark.parametrize("value", ["- not a list", "+ nor this", "1) nor this", "2024. A year"])
def test_plain_at_the_start_of_a_line_is_no_list(value: str) -> None:
    html = markdown.markdown(escape_plain(value), extensions=SITE_EXTENSIONS)
    assert html == f"<p>{value}</p>"


_PIECES = st.text(alphabet="AB-&C1 x", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(words=st.sets(_PIECES.filter(lambda w: w.strip() == w and w.strip()), min_size=1, max_size=8),
       text=st.text(alphabet="AB-&C1 x", max_size=60))
def test_the_abbreviation_trie_matches_what_the_longest_first_list_matches(words: set[str], text: str) -> None:
    """The trie finds the same abbreviations, at the same places, as the abbr extension's longest-first list."""
    plain = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
    trie = re.compile(r"\b" + trie_pattern(words) + r"\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(words=st.sets(_PIECES.filter(lambda w: w.strip() == w and w.strip()), min_size=1, max_size=8),
       text=st.text(alphabet="AB-&C1 x", max_size=60))
@example(words={"A-B", "B-C"}, text="x A-B-C x").via("an abbreviation that starts inside another and ends after it")
@example(words={"A", "A-B"}, text="A-B").via("a shorter abbreviation where a longer one starts")
def test_the_abbreviations_a_page_uses_are_those_the_automaton_finds_in_the_whole_text(words: set[str], text: str) -> None:
    """The pattern's stretches, searched by the automaton, find every whole-word abbreviation, shorter and overlapping
    ones too (words such as "A-B" and "B-C" in "A-B-C"), as the automaton over the whole text does."""
    index = AbbreviationIndex({w: w.lower() for w in words})
    everywhere = {abbr for _, _, abbr in whole_word_matches(index.automaton, text, text, re.compile(r"\w"))}
    assert index.used_in(text) == sorted(everywhere)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(["", "  ", "text", "text  ", "# Heading", "## Sub", "- item", "#tag"]), max_size=30))
def test_tidy_markdown_keeps_every_line_and_spaces_out_headings(lines: list[str]) -> None:
    """Every non-blank line is kept, in order, without trailing spaces; a heading has a blank line on each side
    (unless it opens or ends the page); never two blank lines in a row; one newline at the end."""
    out = tidy_markdown("\n".join(lines))
    assert (out.endswith("\n") and not out.endswith("\n\n")) or out == "\n"
    kept = out[:-1].split("\n")
    assert [line for line in kept if line] == [line.rstrip() for line in lines if line.strip()]
    assert all(line == line.rstrip() for line in kept)
    assert all(not (a == b == "") for a, b in itertools.pairwise(kept))
    for i, line in enumerate(kept):
        if line.startswith("#"):
            assert i == 0 or kept[i - 1] == ""
            assert i == len(kept) - 1 or kept[i + 1] == ""
