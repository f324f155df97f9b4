"""The element-by-element matrix: frameworks against the common elements, each cell sourced and versioned."""

from __future__ import annotations

import typing
from pathlib import Path

from generator.model.records import ELEMENT_TITLES, ElementKind
from tests.conftest import edit
from tests.test_comparison import rendered

CITE_2 = "([Alpha Lab (2024), *Alpha Scaling Policy* v1.0](../references/index.md#alpha-policy), Section 2)"


def section(page: str, kind: str) -> str:
    """The Markdown of one element's section of the matrix page."""
    start = page.index(f"## {ELEMENT_TITLES[kind]} {{ #{kind} }}")
    end = page.find("\n## ", start + 1)
    return page[start:end if end >= 0 else None]


def test_every_element_kind_has_a_heading_in_order() -> None:
    assert list(ELEMENT_TITLES) == list(typing.get_args(ElementKind))


def test_matrix_has_a_section_per_element_with_version_and_located_source(project: Path) -> None:
    page = rendered(project)[1]["frameworks/elements.md"]
    assert [line for line in page.splitlines() if line.startswith("## ")] == [
        f"## {title} {{ #{kind} }}" for kind, title in ELEMENT_TITLES.items()]
    cell = section(page, "capability-thresholds")
    assert ("| [Alpha Scaling Policy](../frameworks/alpha.md#elements){ #capability-thresholds--alpha } | *Version 2.0:* "
            f"Bio uplift to novices requires AL-2. {CITE_2} |") in cell
    assert "| [Alpha Scaling Policy](../frameworks/alpha.md#elements){ #weight-security--alpha } | *Not stated.* |" in section(page, "weight-security")
    assert "beta.md" not in page  # a framework that states no element is not a column


def test_statements_of_several_versions_are_listed_newest_first(project: Path) -> None:
    edit(project, "data/frameworks/alpha.yaml", "  - element: halting\n",
         '  - element: capability-thresholds\n    version: "1.0"\n    text: No thresholds yet.\n'
         '    source: {ref: alpha-policy, locator: "Section 1"}\n  - element: halting\n')
    cell = section(rendered(project)[1]["frameworks/elements.md"], "capability-thresholds")
    assert cell.index("*Version 2.0:*") < cell.index("*Version 1.0:* No thresholds yet.")
    assert cell.count("{ #capability-thresholds--alpha }") == 1


def test_framework_page_links_each_element_to_its_cell_in_the_matrix(project: Path) -> None:
    page = rendered(project)[1]["frameworks/alpha.md"]
    assert "## Common elements { #elements }" in page
    assert f"| [Capability thresholds](../frameworks/elements.md#capability-thresholds--alpha) | *Version 2.0:* Bio uplift to novices requires AL-2. {CITE_2} |" in page
    assert "| [Model weight security](../frameworks/elements.md#weight-security--alpha) | *Not stated.* |" in page
    assert "Common elements" not in rendered(project)[1]["frameworks/beta.md"]


def test_matrix_page_without_any_statement_says_so(project: Path) -> None:
    text = (project / "data/frameworks/alpha.yaml").read_text(encoding="utf-8")
    start, end = text.index("elements:\n"), text.index("sources: [alpha-policy]\nreviewed")
    (project / "data/frameworks/alpha.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    page = rendered(project)[1]["frameworks/elements.md"]
    assert "No framework in this glossary records its common elements yet." in page and "## " not in page
