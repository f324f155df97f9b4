"""The comparison page shows, for every framework, exactly the levels in force in the version it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model.records import Framework
from generator.stages.check import check
from generator.stages.link import link_glossary
from generator.stages.render import render_pages
from tests.conftest import REPO, edit


def rendered(root: Path) -> tuple[dict[str, Framework], dict[str, str]]:
    """The checked frameworks of ``root`` and its generated pages (path -> Markdown)."""
    g, findings = check(root)
    assert findings == []
    return g.frameworks, {p.path: p.text for p in render_pages(g, link_glossary(g))}


def expected_in_force(fw: Framework) -> list[str]:
    """Level ids in force in the newest version, computed here from introduced_in/retired_in and the
    order of the versions, independently of the generator's own function."""
    names = [v.version for v in fw.versions]
    newest = len(names) - 1
    ids = []
    for level in fw.scale.levels if fw.scale else []:
        start = names.index(level.introduced_in) if level.introduced_in else 0
        stop = names.index(level.retired_in) if level.retired_in else len(names)
        if start <= newest < stop:
            ids.append(level.id)
    return ids


def compared(page: str, fw: Framework) -> tuple[str, list[str], list[str]]:
    """(version named, level ids in the table lowest first, level ids in the picture lowest first)."""
    row = next(line for line in page.splitlines() if line.startswith(f"| [{fw.title}](../frameworks/{fw.id}.md) |"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    table = re.findall(rf"\]\(\.\./frameworks/{re.escape(fw.id)}\.md#([a-z0-9-]+)\)", cells[3])
    column = re.search(rf'<g class="gl-column" id="comparison-{re.escape(fw.id)}">(.*?)</g>', page, re.S)
    assert column, f"no column for {fw.id} in the picture"
    picture = re.findall(r'<a href="\.\./[a-z0-9-]+/#([a-z0-9-]+)">', column.group(1))
    return cells[2], table, list(reversed(picture))


def assert_compares_levels_in_force(frameworks: dict[str, Framework], page: str) -> None:
    scaled = [fw for fw in frameworks.values() if fw.scale]
    assert scaled
    for fw in scaled:
        version, table, picture = compared(page, fw)
        assert version == f"{fw.versions[-1].version} ({fw.versions[-1].date.isoformat()})", fw.id
        assert table == expected_in_force(fw), fw.id
        assert picture == expected_in_force(fw), fw.id


def test_real_comparison_lists_exactly_the_levels_in_force() -> None:
    frameworks, pages = rendered(REPO)
    assert_compares_levels_in_force(frameworks, pages["frameworks/compare.md"])
    # the errors the review found: retired levels shown as current
    rsp, pf = frameworks["anthropic-rsp"], frameworks["openai-preparedness"]
    assert [lv.label for lv in rsp.levels_in_force()] == ["ASL-1", "ASL-2", "ASL-3"]
    assert [lv.label for lv in pf.levels_in_force()] == ["High", "Critical"]


def test_fixture_comparison_drops_retired_levels(project: Path) -> None:
    frameworks, pages = rendered(project)
    assert [lv.id for lv in frameworks["alpha"].levels_in_force()] == ["al-1", "al-2"]
    assert [lv.id for lv in frameworks["alpha"].levels_in_force("1.0")] == ["al-1"]
    edit(project, "data/frameworks/alpha.yaml", "      safeguards: [Standard practice.]\n",
         '      safeguards: [Standard practice.]\n      retired_in: "2.0"\n')
    frameworks, pages = rendered(project)
    page = pages["frameworks/compare.md"]
    assert_compares_levels_in_force(frameworks, page)
    assert compared(page, frameworks["alpha"])[1:] == (["al-2"], ["al-2"])
    assert compared(page, frameworks["beta"])[1:] == (["bl-1", "bl-2"], ["bl-1", "bl-2"])
    # the framework page lists the levels in force per version
    fw_page = pages["frameworks/alpha.md"]
    assert "*Alpha Levels in force in this version:* [AL-1](#al-1)." in fw_page
    assert "*Alpha Levels in force in this version:* [AL-2](#al-2)." in fw_page


def test_picture_draws_only_mappings_between_the_versions_shown(project: Path) -> None:
    _, pages = rendered(project)
    # the one mapping between shown versions: AL-2 (alpha 2.0) to BL-2 (beta 6), from column 0 to column 1
    assert pages["frameworks/compare.md"].count('<line class="gl-map gl-analogous" x1="160"') == 1
    edit(project, "data/frameworks/beta.yaml", "    source: beta-standard\nscale",
         '    source: beta-standard\n  - version: "7"\n    date: 2023-06-01\n    source: beta-standard\nscale')
    _, pages = rendered(project)
    page = pages["frameworks/compare.md"]
    assert '<line class="gl-map gl-analogous" x1="160"' not in page  # the mapping is about version 6, not 7
    assert "| [AL-2](../frameworks/alpha.md#al-2) (ASP 2.0) | analogous | [BL-2](../frameworks/beta.md#bl-2) (BSS 6) |" in page


@pytest.mark.parametrize("version, expected", [("1.0", ["al-1"]), ("2.0", ["al-1", "al-2"]), ("9", [])])
def test_levels_in_force_follow_the_order_of_versions(project: Path, version: str, expected: list[str]) -> None:
    frameworks, _ = rendered(project)
    assert [lv.id for lv in frameworks["alpha"].levels_in_force(version)] == expected
