"""The bad-input corpus: broken and hostile data files, each with its exact error.

Every case runs the real CLI (``python -m generator build``) on a copy of a project whose
site was already built, and asserts: exit code 1, the exact ``path:line:col: message`` line,
no traceback, and a ``site/`` byte-identical to the one before.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import build_site
from generator.commands.main import main
from tests.conftest import make_project

T = "data/terms/scaling-policy.yaml"
GOOD_TERM = (Path(__file__).parent / "fixtures/minimal" / T).read_text(encoding="utf-8")


def term(**fields: str) -> str:
    """The good term file with some top-level lines replaced (``field: raw YAML``) or added."""
    lines = GOOD_TERM.splitlines()
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        out.append(f"{key}: {fields.pop(key)}" if key in fields else line)
    out += [f"{k}: {v}" for k, v in fields.items()]
    return "\n".join(out) + "\n"


# (case id, file, content (str or bytes), expected finding line)
CASES: list[tuple[str, str, str | bytes, str]] = [
    ("yaml-syntax", T, term(title='"Scaling Policy'),
     "data/terms/scaling-policy.yaml:2:8: G001 YAML syntax error: while scanning a quoted scalar, found unexpected end of stream (close the quote or bracket that starts here)"),
    ("tab-indent", T, GOOD_TERM.replace("related: [safety-level]", "related:\n\t- safety-level"),
     "data/terms/scaling-policy.yaml:8:1: G001 YAML syntax error: found character that cannot start any token (indent with spaces, not tabs)"),
    ("duplicate-key", T, GOOD_TERM + "title: Again\n",
     "data/terms/scaling-policy.yaml:10:1: G001 duplicate key 'title' (first defined at line 2; keep one of them)"),
    ("duplicate-nested-key", "data/references.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/references.yaml").read_text().replace(
         "    kind: framework\n", "    kind: framework\n    kind: report\n"),
     "data/references.yaml:9:5: G001 duplicate key 'kind' (first defined at line 8; keep one of them)"),
    ("duplicate-after-merge", T, "base: &b {category: policy}\n" + GOOD_TERM,
     "data/terms/scaling-policy.yaml:1:1: G002 base: unknown field (remove it)"),
    ("merge-of-scalar", T, GOOD_TERM.replace("category: policy", "<<: 5"),
     "data/terms/scaling-policy.yaml:6:5: G001 a merge key '<<' needs a mapping or a list of mappings"),
    ("empty-file", T, "", "data/terms/scaling-policy.yaml:1:1: G001 file holds no data (add the record's fields or delete the file)"),
    ("only-comment", T, "# nothing here\n",
     "data/terms/scaling-policy.yaml:1:1: G001 file holds no data (add the record's fields or delete the file)"),
    ("list-root", T, "- id: scaling-policy\n",
     "data/terms/scaling-policy.yaml:1:1: G001 the file holds a list, not a mapping (write 'field: value' lines at the top level)"),
    ("scalar-root", T, "just text\n",
     "data/terms/scaling-policy.yaml:1:1: G001 the file holds a single value, not a mapping (write 'field: value' lines at the top level)"),
    ("not-utf8", T, GOOD_TERM.replace("Scaling Policy", "Scaling Pol\udce9cy", 1).encode("utf-8", "surrogateescape"),
     "data/terms/scaling-policy.yaml:2:19: G001 byte 0xe9 is not valid UTF-8 (save the file as UTF-8)"),
    ("bom", T, b"\xef\xbb\xbf" + GOOD_TERM.encode(),
     "data/terms/scaling-policy.yaml:1:1: G001 file starts with a byte-order mark (save the file as UTF-8 without BOM)"),
    ("unknown-field", T, term(summery="typo"),
     "data/terms/scaling-policy.yaml:10:1: G002 summery: unknown field (did you mean 'summary'?)"),
    ("wrong-type-list", T, term(related="safety-level"),
     "data/terms/scaling-policy.yaml:7:10: G002 related: Input should be a valid list, got str"),
    ("wrong-type-int", "data/frameworks/beta.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/frameworks/beta.yaml").read_text().replace("rank: 2", 'rank: "2"'),
     "data/frameworks/beta.yaml:22:13: G002 scale.levels[1].rank: Input should be a valid integer, got str"),
    ("missing-field", T, GOOD_TERM.replace("summary: A commitment to match safeguards to capabilities.\n", ""),
     "data/terms/scaling-policy.yaml:1:1: G002 missing field 'summary' (add it; see the schema in data/schema/)"),
    ("yaml11-NO", T, term(abbreviation="NO"),
     "data/terms/scaling-policy.yaml:3:15: G001 'NO' would be read as a YAML 1.1 boolean (write \"NO\" in quotes for text, or true/false)"),
    ("yaml11-on", T, term(abbreviation="on"),
     "data/terms/scaling-policy.yaml:3:15: G001 'on' would be read as a YAML 1.1 boolean (write \"on\" in quotes for text, or true/false)"),
    ("yaml11-yes", T, term(title="yes"),
     "data/terms/scaling-policy.yaml:2:8: G001 'yes' would be read as a YAML 1.1 boolean (write \"yes\" in quotes for text, or true/false)"),
    ("yaml11-octal", "data/frameworks/beta.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/frameworks/beta.yaml").read_text().replace("rank: 2", "rank: 010"),
     "data/frameworks/beta.yaml:22:13: G001 '010' would be read as a non-decimal (octal, hex or base-60) number (write \"010\" in quotes for text, or a plain decimal number)"),
    ("yaml11-base60", T, term(abbreviation="1:20"),
     "data/terms/scaling-policy.yaml:3:15: G001 '1:20' would be read as a non-decimal (octal, hex or base-60) number (write \"1:20\" in quotes for text, or a plain decimal number)"),
    ("impossible-date", T, term(reviewed="2025-02-30"),
     "data/terms/scaling-policy.yaml:9:11: G001 '2025-02-30' is not a real date (use an existing date as YYYY-MM-DD)"),
    ("date-as-string", T, term(reviewed='"2025-02-03"'),
     "data/terms/scaling-policy.yaml:9:11: G002 reviewed: Input should be a valid date, got str"),
    ("bad-slug", T, term(id="Scaling_Policy"),
     "data/terms/scaling-policy.yaml:1:5: G002 id: 'Scaling_Policy' is not a valid id: use lowercase letters, digits and single hyphens"),
    ("same-id-two-files", "data/terms/scaling-policy-copy.yaml", GOOD_TERM,
     "data/terms/scaling-policy.yaml:1:5: G101 duplicate term id 'scaling-policy' (already defined at data/terms/scaling-policy-copy.yaml:1:5)"),
    ("file-name-mismatch", "data/terms/scaling.yaml", GOOD_TERM.replace("SP", "SPX").replace("title: Scaling Policy", "title: Scaling Rules"),
     "data/terms/scaling.yaml:1:5: G102 file name 'scaling.yaml' does not match id 'scaling-policy' (rename the file to scaling-policy.yaml, or add the old id to redirect_from)"),
    ("hierarchy-cycle", T, term(broader="red-teaming"),
     "data/terms/scaling-policy.yaml:10:10: G105 broader: cycle scaling-policy -> red-teaming -> scaling-policy (a broader term cannot be narrower than itself; remove one link)"),
    ("huge-file", T, GOOD_TERM + "# " + "x" * (50 * 1024 * 1024) + "\n",
     "data/terms/scaling-policy.yaml:1:1: G001 file is 52429096 bytes, over the limit of 1048576 (split the data into smaller files)"),
    ("deep-flow-nesting", T, term(related="[" * 5000 + "]" * 5000),
     "data/terms/scaling-policy.yaml:7:74: G001 nested deeper than 64 levels (flatten the data)"),
    ("deep-block-nesting", T, GOOD_TERM + "extra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)) + "  " * 40 + "v: 1\n",
     "data/terms/scaling-policy.yaml:35:51: G001 document is too large: nested deeper than 24 levels (split or simplify the data)"),
    ("python-object-tag", T, term(title="!!python/object/apply:os.system ['touch /tmp/pwned']"),
     "data/terms/scaling-policy.yaml:2:8: G001 tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed (data files hold plain lists)"),
    ("python-name-tag", T, term(title="!!python/name:os.system"),
     "data/terms/scaling-policy.yaml:2:8: G001 tag 'tag:yaml.org,2002:python/name:os.system' is not allowed (data files hold plain text, numbers, dates, lists and mappings)"),
    ("custom-tag", T, term(title="!secret Scaling"),
     "data/terms/scaling-policy.yaml:2:8: G001 tag '!secret' is not allowed (data files hold plain text, numbers, dates, lists and mappings)"),
    ("billion-laughs", T, GOOD_TERM + "lol: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"l{i}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)),
     "data/terms/scaling-policy.yaml:10:34: G001 document is too large: more than 200000 values (alias expansion?) (split or simplify the data)"),
    ("non-string-key", T, GOOD_TERM + "1: one\n",
     "data/terms/scaling-policy.yaml:10:1: G001 a key must be plain text (quote the key)"),
    ("two-documents", T, GOOD_TERM + "---\nid: other\n",
     "data/terms/scaling-policy.yaml:10:1: G001 YAML syntax error: but found another document (check the indentation and quoting)"),
    ("stray-file", "data/terms/notes.yml", "id: x\n",
     "data/terms/notes.yml:1:1: G003 file is not part of the data layout (terms go in data/terms/ID.yaml, frameworks in data/frameworks/ID.yaml)"),
    ("missing-site", "data/site.yaml", None,  # type: ignore[list-item]
     "data/site.yaml:1:1: G003 required data file is missing (create data/site.yaml)"),
    # Hostile content: refused at validation, with the field and the rule.
    ("script-tag", T, term(definition='"Hi <script>alert(1)</script>"'),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("event-handler", T, term(definition="'<img src=x onerror=alert(1)>'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("javascript-link", T, term(definition="'[click](javascript:alert(1))'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: link target 'javascript:alert(1' is not allowed: use an https:// URL or a site path"),
    ("javascript-link-spaces", T, term(definition="'[click]( JaVaScRiPt:alert(1))'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: link target 'JaVaScRiPt:alert(1' is not allowed: use an https:// URL or a site path"),
    ("data-url-autolink", T, term(definition="'see <data:text/html;base64,PHNjcmlwdD4=>'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("javascript-reference-url", "data/references.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/references.yaml").read_text().replace(
         "https://example.org/beta", "javascript:alert(1)"),
     "data/references.yaml:14:10: G002 references[1].url: 'javascript:alert(1)' is not an http(s) URL"),
    ("heading-escape", T, term(definition='"Text.\\n\\n# Injected heading"'),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: headings, rules, code fences and block quotes are not allowed: write paragraphs and lists; the page supplies the headings"),
    ("front-matter-escape", T, term(definition='"Text.\\n---\\ntitle: x"'),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: headings, rules, code fences and block quotes are not allowed: write paragraphs and lists; the page supplies the headings"),
    ("attr-list-injection", T, term(definition="'Text{: onclick=\"alert(1)\" }'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: attribute lists ('{: ...}', '{#...}') are not allowed in data text"),
    ("newline-in-title", T, term(title='"Scaling\\n# Policy"'),
     "data/terms/scaling-policy.yaml:2:8: G002 title: must be a single line of text"),
    ("markup-in-summary", T, term(summary='"A <b>bold</b> claim"'),
     "data/terms/scaling-policy.yaml:4:10: G002 summary: plain text may not contain Markdown or HTML characters (< > ` * _ [ ])"),
    ("jinja-in-title", T, term(title='"{{ 7 * 7 }}"'),
     "data/terms/scaling-policy.yaml:2:8: G002 title: plain text may not contain Markdown or HTML characters (< > ` * _ [ ])"),
    ("html-comment", T, term(definition="'Text <!-- hidden -->'"),
     "data/terms/scaling-policy.yaml:5:13: G002 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
]


def _snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture project with a built site, copied by each case."""
    root = make_project(tmp_path_factory.mktemp("built") / "project")
    build_site(root)
    return root


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case, rel, content, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_site_kept(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             case: str, rel: str, content: str | bytes | None, expected: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    before = _snapshot(root / "site")
    target = root / rel
    if content is None:
        target.unlink()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    if case == "file-name-mismatch":
        (root / T).unlink()
    code = main(["build", "--root", str(root)])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err + out.out
    lines = out.err.splitlines()
    assert expected in lines, "\n".join(lines)
    assert _snapshot(root / "site") == before
    assert not (root / "pwned").exists()
