"""Each consistency rule, fed a broken copy of the fixture: exact file, line and message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.commands.main import main
from generator.findings import CODES
from generator.stages import rules
from tests.conftest import edit, findings_of

T = "data/terms/safety-level.yaml"
F = "data/frameworks/alpha.yaml"
C = "data/chapters.yaml"
R = "data/references.yaml"
X = "data/crosswalk.yaml"

CASES = [
    # (rule, file, old, new, expected message, line offset from the edited line, column)
    ("related_terms_exist", T, "related: [scaling-policy, red-teaming]", "related: [scaling-polcy, red-teaming]",
     "related: unknown term 'scaling-polcy' (did you mean 'scaling-policy'?)", 0, 11),
    ("related_terms_exist", T, "related: [scaling-policy, red-teaming]", "related: [safety-level]",
     "related: a term cannot refer to itself (remove it)", 0, 11),
    ("related_terms_are_listed_once", T, "related: [scaling-policy, red-teaming]", "related: [scaling-policy, scaling-policy]",
     "related: 'scaling-policy' is listed twice (remove one)", 0, 27),
    ("broader_terms_form_a_hierarchy", "data/terms/scaling-policy.yaml", "category: policy", "category: policy\nbroader: red-teaming",
     "broader: cycle scaling-policy -> red-teaming -> scaling-policy", 1, 10),
    ("names_are_unambiguous", "data/terms/scaling-policy.yaml", "abbreviation: SP", "abbreviation: SL",
     "'SL' also names term 'safety-level'", 0, 15),
    ("citations_name_known_references", T, "sources: [alpha-policy]\nclaims", "sources: [alpha-polcy]\nclaims",
     "unknown reference 'alpha-polcy' (did you mean 'alpha-policy'?)", 0, 11),
    ("references_are_cited", R, "    kind: standard\n", "    kind: standard\n  - id: gamma-report\n    title: Gamma\n"
     "    publisher: Gamma\n    date: 2020-01-01\n    url: https://example.org/g\n    kind: report\n",
     "reference 'gamma-report' is not cited anywhere (cite it from a term or framework, or remove it)", 1, 9),
    ("terms_have_sources", "data/terms/scaling-policy.yaml", "sources: [alpha-policy]\n", "",
     "term 'scaling-policy' has no sources (add a 'sources:' list of reference ids)", None, 5),
    ("terms_are_defined", "data/terms/red-teaming.yaml",
     "definition: Red-teaming probes a model for dangerous behaviour under a scaling policy.\n", "",
     "term 'red-teaming' has no definition (add a 'definition:', or 'definitions:' with a 'definitions_note:')", -4, 5),
    ("published_definitions_have_a_note", T,
     "definitions_note: The Alpha Lab speaks of capabilities, the Beta Institute of hazards.\n", "",
     "definitions: needs a definitions_note (say in one line how the published definitions differ)", -5, 1),
    ("published_definitions_have_a_note", "data/terms/red-teaming.yaml", "category: practice",
     "definitions_note: Sources differ.\ncategory: practice",
     "definitions_note: there are no definitions: to note (add the published definitions, or remove the note)", 0, 1),
    ("level_ranks_are_unique_and_ordered", F, "      rank: 2\n", "      rank: 1\n",
     "rank 1 of 'al-2' is not above rank 1 of 'al-1' (list levels lowest first with strictly increasing ranks)", 0, 13),
    ("thresholds_require_existing_levels", F, "requires: al-2", "requires: al-3",
     "requires: unknown level 'al-3' of 'alpha' (did you mean 'al-2'?)", 0, 15),
    ("versions_are_dated_in_order", F, "date: 2023-06-01", "date: 2025-06-01",
     "version 2.0 (2024-01-10) is older than the version before it (list versions oldest first)", 3, 11),
    ("version_references_exist", F, 'introduced_in: "2.0"\n    sources', 'introduced_in: "3.0"\n    sources',
     "introduced_in: unknown version '3.0' of 'alpha' (did you mean '2.0'?)", 0, 20),
    ("framework_and_term_links_exist", F, "term: scaling-policy", "term: scaling-polic",
     "term: unknown term 'scaling-polic' (did you mean 'scaling-policy'?)", 0, 7),
    ("claims_name_known_frameworks", T, "    framework: alpha\n", "    framework: alpah\n",
     "unknown framework 'alpah' (did you mean 'alpha'?)", 0, 16),
    ("claims_are_not_older_than_the_framework", T, "as_of: 2024-02-01", "as_of: 2023-12-01",
     "claim dated 2023-12-01 predates ASP version 2.0 (2024-01-10) (check the claim against the new version, then update as_of)", 0, 12),
    ("dates_are_not_in_the_future", T, "reviewed: 2024-03-01", "reviewed: 2999-03-01",
     "date 2999-03-01 is in the future", 0, 11),
    ("chapter_terms_exist", C, "introduces: [safety-level]", "introduces: [safety-levl]",
     "introduces: unknown term 'safety-levl' (did you mean 'safety-level'?)", 0, 22),
    ("terms_are_introduced_before_discussed", C, "discusses: [red-teaming]", "discusses: [scaling-policy]",
     "discusses 'scaling-policy' before chapter 2 introduces it (introduce the term earlier, or discuss it later)", 0, 21),
    ("crosswalk_levels_exist", X, "target: beta/bl-2", "target: beta/bl-9",
     "target: unknown level 'beta/bl-9' (did you mean 'beta/bl-2'?)", 0, 13),
    ("crosswalk_levels_exist", X, "    relation: none\n", "    relation: broader\n",
     "relation 'none' goes with no target, and every other relation with one", 0, 15),
    ("crosswalk_versions_exist", X, '    target_version: "6"\n', '    target_version: "5"\n',
     "target_version: unknown version '5' of 'beta' (versions are: 6)", 0, 21),
    ("crosswalk_versions_exist", X, '    source_version: "2.0"\n', '    source_version: "3.0"\n',
     "source_version: unknown version '3.0' of 'alpha' (did you mean '2.0'?)", 0, 21),
    ("crosswalk_levels_are_in_force", X, '    source_version: "2.0"\n', '    source_version: "1.0"\n',
     "source: level 'alpha/al-2' is not in force in version 1.0 (it is in force in: 2.0)", 0, 21),
    # the same level analogous in one row and without counterpart in another, between the same versions
    ("crosswalk_mappings_agree", X, '    source_version: "1.0"\n    relation: none\n',
     '    source_version: "1.0"\n    relation: none\n    note: None.\n    sources: [beta-standard]\n'
     '  - source: alpha/al-1\n    source_version: "1.0"\n    target: beta/bl-1\n    target_version: "6"\n'
     '    relation: analogous\n',
     "'alpha/al-1' (version 1.0) is 'analogous' here, but has no counterpart (relation none) in another mapping "
     "(see data/crosswalk.yaml:13:15; keep one of them)", 8, 15),
    # two relations for one pair: beta/bl-2 'broader' than alpha/al-2 is alpha/al-2 'narrower' than beta/bl-2
    ("crosswalk_mappings_agree", X, "  - source: alpha/al-1\n",
     '  - source: beta/bl-2\n    source_version: "6"\n    target: alpha/al-2\n    target_version: "2.0"\n'
     '    relation: narrower\n    note: Reversed.\n    sources: [beta-standard]\n  - source: alpha/al-1\n',
     "'beta/bl-2' (version 6) is narrower than 'alpha/al-2' (version 2.0) here, but another mapping says "
     "'analogous' in the other direction (see data/crosswalk.yaml:8:15; keep one relation)", 4, 15),
    ("element_versions_exist", F, '    version: "1.0"\n    text: Training', '    version: "1.1"\n    text: Training',
     "version: unknown version '1.1' of 'alpha' (did you mean '1.0'?)", 0, 14),
    ("elements_are_stated_once_per_version", F, "  - element: halting\n    version: \"1.0\"",
     "  - element: capability-thresholds\n    version: \"2.0\"",
     "element 'capability-thresholds' is stated twice for version 2.0 (see data/frameworks/alpha.yaml:43:14; "
     "merge the two statements)", 0, 14),
    ("citations_name_known_references", F, '{ref: alpha-policy, locator: "Section 4"}', '{ref: alpha-polcy, locator: "Section 4"}',
     "unknown reference 'alpha-polcy' (did you mean 'alpha-policy'?)", 0, 19),
    ("citations_name_known_references", T, '{ref: beta-standard, locator: "p. 3"}',
     '{ref: beta-standar, locator: "p. 3"}', "unknown reference 'beta-standar' (did you mean 'beta-standard'?)", 0, 19),
    ("explicit_links_resolve", T, "[[red-teaming|adversarial testing]]", "[[red-teamin|adversarial testing]]",
     "link [[red-teamin]]: unknown term (did you mean 'red-teaming'?)", 0, 12),
    # a field no hand-kept list named: the scale's note is found by its type (MarkdownText)
    ("explicit_links_resolve", F, "  name: Alpha Level\n", "  name: Alpha Level\n  note: See [[no-such-term]].\n",
     "link [[no-such-term]]: unknown term", 1, 13),
    ("ids_are_unique", R, "  - id: beta-standard", "  - id: alpha-policy",
     "duplicate reference id 'alpha-policy' (already defined at data/references.yaml:2:9)", 0, 9),
    ("record_files_are_named_after_their_id", "data/terms/scaling-policy.yaml", "id: scaling-policy", "id: scaling-policies",
     "file name 'scaling-policy.yaml' does not match id 'scaling-policies'", 0, 5),
    ("placeholders_are_filled_in", "data/terms/scaling-policy.yaml", "summary: A commitment to match safeguards to capabilities.",
     'summary: "TODO: write it"', "summary: placeholder 'TODO: write it' is not filled in (replace it with the real text)", 0, 11),
    # written with an escape, the placeholder is not in the file's text as such, and still found
    ("placeholders_are_filled_in", "data/terms/scaling-policy.yaml", "summary: A commitment to match safeguards to capabilities.",
     'summary: "\\x54ODO: write it"', "summary: placeholder 'TODO: write it' is not filled in (replace it with the real text)",
     0, 10),
    ("hand_written_pages_include_abbreviations", "content/about.md", '\n--8<-- "abbreviations.md"\n', "\n",
     "hand-written page does not include the glossary's abbreviations (add the line --8<-- \"abbreviations.md\" at its end)",
     None, 1),
    ("markdown_fields_hold_only_allowed_markup", T, "definitions_note: The Alpha Lab speaks",
     "definitions_note: See [here](javascript:alert(1)). The Alpha Lab speaks",
     "definitions_note: link target 'javascript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term",
     0, 30),
    ("snippets_name_files_in_includes", "content/about.md", '--8<-- "abbreviations.md"', '--8<-- "../../secret.txt"',
     "snippet '../../secret.txt' leads outside content/includes/ (snippets come from content/includes/ only)", 0, 9),
    ("urls_and_anchors_are_unique", "data/frameworks/alpha.yaml", "  - id: bio-1", "  - id: al-2",
     "thresholds[0].id: 'al-2' gives the address /frameworks/alpha/#al-2, which data/frameworks/alpha.yaml:27:11 "
     "already has (choose another id)", 0, 9),
    ("site_settings_are_plain_text", "mkdocs.yml", "site_name: Frontier AI Safety Glossary",
     "site_name: 'Glossary</title><script>alert(1)</script>'",
     "site_name: the character '<' is not allowed here (the theme writes this setting into every page unescaped; "
     "write it as plain text)", 0, 12),
    ("redirects_do_not_shadow_terms", "data/terms/scaling-policy.yaml", "category: policy", "category: policy\nredirect_from: [red-teaming]",
     "redirect_from: 'red-teaming' is a current term id (a redirect cannot replace a live page)", 1, 17),
]


def test_every_rule_has_a_case() -> None:
    assert {r.name for r in rules.RULES} <= {c[0] for c in CASES} | set(FILE_CASES)


FILE_CASES = {
    # rules about files rather than text: (create the offending file, expected finding)
    "content_files_stay_inside_content": (
        lambda root: (root / "content" / "leak.md").symlink_to("/etc/hostname"),
        "content/leak.md:1:1: G135 symbolic link leads outside content/ (copy the file into content/ instead)"),
}


@pytest.mark.parametrize("rule", sorted(FILE_CASES))
def test_file_rule_reports_the_file(project: Path, rule: str) -> None:
    create, expected = FILE_CASES[rule]
    create(project)
    assert expected in [f.format() for f in findings_of(project)]


def test_every_rule_states_its_rule() -> None:
    assert all(len(r.doc.split()) >= 6 for r in rules.RULES)


@pytest.mark.parametrize("rule, rel, old, new, message, offset, col", CASES, ids=[c[0] for c in CASES])
def test_rule_reports_file_line_and_message(project: Path, rule: str, rel: str, old: str, new: str,
                                            message: str, offset: int | None, col: int) -> None:
    assert findings_of(project) == []
    line = edit(project, rel, old, new)
    found = findings_of(project)
    formatted = [f.format() for f in found]
    code = next(r.code for r in rules.RULES if r.name == rule)
    matching = [f for f in found if f.format().startswith(f"{f.path}:{f.line}:{f.col}: {code} {message}")]
    assert matching, formatted
    finding = matching[0]
    assert finding.path == rel
    if offset is not None:
        assert finding.line == line + offset, formatted
    assert finding.col == col, formatted


STABLE_CODES = {
    "G101": "ids_are_unique", "G102": "record_files_are_named_after_their_id", "G103": "related_terms_exist",
    "G104": "related_terms_are_listed_once", "G105": "broader_terms_form_a_hierarchy", "G106": "names_are_unambiguous",
    "G107": "citations_name_known_references", "G108": "references_are_cited", "G109": "terms_have_sources",
    "G110": "level_ranks_are_unique_and_ordered", "G111": "thresholds_require_existing_levels",
    "G112": "versions_are_dated_in_order", "G113": "version_references_exist", "G114": "framework_and_term_links_exist",
    "G115": "claims_name_known_frameworks", "G116": "claims_are_not_older_than_the_framework",
    "G117": "dates_are_not_in_the_future", "G118": "chapter_terms_exist", "G119": "terms_are_introduced_before_discussed",
    "G120": "crosswalk_levels_exist", "G121": "explicit_links_resolve", "G122": "redirects_do_not_shadow_terms",
    "G123": "hand_written_pages_include_abbreviations", "G124": "placeholders_are_filled_in",
    "G125": "terms_are_defined", "G126": "published_definitions_have_a_note", "G127": "crosswalk_versions_exist",
    "G128": "crosswalk_levels_are_in_force", "G129": "crosswalk_mappings_agree", "G130": "element_versions_exist",
    "G131": "elements_are_stated_once_per_version", "G132": "markdown_fields_hold_only_allowed_markup",
    "G133": "urls_and_anchors_are_unique", "G134": "site_settings_are_plain_text",
    "G135": "content_files_stay_inside_content", "G136": "snippets_name_files_in_includes",
}
"""Published codes: a rule keeps its code for good (a new rule takes the next free number; a retired
code is not reused). Change this table only to add a rule."""


def test_rule_codes_are_stable() -> None:
    current = {r.code: r.name for r in rules.RULES}
    assert {code: current.get(code) for code in STABLE_CODES} == STABLE_CODES
    assert len(current) == len(rules.RULES)


def test_codes_are_unique_and_well_formed() -> None:
    codes = [*CODES, *(r.code for r in rules.RULES)]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"G\d{3}", code) for code in codes)


def test_a_taken_code_is_refused() -> None:
    with pytest.raises(ValueError, match="G101 is taken"):
        rules.rule("G101")(lambda g: [])


def test_rules_command_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listed = [line.split(" ", 1)[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [*CODES, *(r.code for r in rules.RULES)]


def test_check_selects_and_ignores_by_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, T, "related: [scaling-policy, red-teaming]", "related: [scaling-polcy, red-teaming]")
    edit(project, T, "sources: [alpha-policy]\nclaims", "sources: [alpha-polcy]\nclaims")
    assert main(["check", "--root", str(project)]) == 1
    both = capsys.readouterr().err
    assert ": G103 related: unknown term" in both and ": G107 " in both
    assert main(["check", "--root", str(project), "--select", "G103"]) == 1
    only = capsys.readouterr().err
    assert ": G103 " in only and ": G107 " not in only
    assert main(["check", "--root", str(project), "--ignore", "G103,G107,G108"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_github_format_titles_each_annotation_with_its_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "tests").mkdir(exist_ok=True)
    assert main(["permalinks", "--root", str(project), "--manifest", "tests/none.txt", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"::error file={project / 'tests/none.txt'},line=1,col=1,title=G006::no permalink manifest")


def test_stale_schemas_are_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check", "--root", str(project)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "data/schema/term.schema.json:1:1: G005 schema is out of date (run: python -m generator schema)" in err
    assert main(["schema", "--root", str(project)]) == 0
    assert main(["schema", "--check", "--root", str(project)]) == 0
