"""The bad-input corpus: broken and hostile data files, each with its exact error.

Every case runs the real CLI (``python -m generator build``) on a copy of a project whose
site was already built, and asserts: exit code 1, the exact ``path:line:col: message`` line,
no traceback, and a ``site/`` byte-identical to the one before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import build_site
from generator.commands.main import main
from generator.project import GENERATED_MARK
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
     "data/terms/scaling-policy.yaml:5:17: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("event-handler", T, term(definition="'<img src=x onerror=alert(1)>'"),
     "data/terms/scaling-policy.yaml:5:14: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("javascript-link", T, term(definition="'[click](javascript:alert(1))'"),
     "data/terms/scaling-policy.yaml:5:22: G132 definition: link target 'javascript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("javascript-link-spaces", T, term(definition="'[click]( JaVaScRiPt:alert(1))'"),
     "data/terms/scaling-policy.yaml:5:23: G132 definition: link target 'JaVaScRiPt:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("data-url-autolink", T, term(definition="'see <data:text/html;base64,PHNjcmlwdD4=>'"),
     "data/terms/scaling-policy.yaml:5:18: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("javascript-reference-url", "data/references.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/references.yaml").read_text().replace(
         "https://example.org/beta", "javascript:alert(1)"),
     "data/references.yaml:14:10: G002 references[1].url: 'javascript:alert(1)' is not an http(s) URL (made of URL characters: no spaces, quotes or backslashes)"),
    ("heading-escape", T, term(definition='"Text.\\n\\n# Injected heading"'),
     "data/terms/scaling-policy.yaml:5:13: G132 definition: a heading (<h1>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("front-matter-escape", T, term(definition='"Text.\\n---\\ntitle: x"'),
     "data/terms/scaling-policy.yaml:5:13: G132 definition: a heading (<h2>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("attr-list-injection", T, term(definition="'Text {: onclick=\"alert(1)\" }'"),
     "data/terms/scaling-policy.yaml:5:19: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'onclick')"),
    ("newline-in-title", T, term(title='"Scaling\\n# Policy"'),
     "data/terms/scaling-policy.yaml:2:8: G002 title: must be a single line of text"),
    ("markup-in-summary", T, term(summary='"A <b>bold</b> claim"'),
     "data/terms/scaling-policy.yaml:4:10: G002 summary: plain text may not contain Markdown or HTML characters (< > ` * _ [ ])"),
    ("jinja-in-title", T, term(title='"{{ 7 * 7 }}"'),
     "data/terms/scaling-policy.yaml:2:8: G002 title: plain text may not contain Markdown or HTML characters (< > ` * _ [ ])"),
    ("html-comment", T, term(definition="'Text <!-- hidden -->'"),
     "data/terms/scaling-policy.yaml:5:19: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
]

# Issue 10: Markdown that pattern lists missed, judged by what it renders to.
def _d(text: str) -> str:
    """A definition: as a double-quoted YAML string (JSON escapes are YAML escapes)."""
    return json.dumps(text)


REFS = (Path(__file__).parent / "fixtures/minimal/data/references.yaml").read_text()
MKDOCS = (Path(__file__).parent.parent / "mkdocs.yml").read_text()
ABOUT = "content/about.md"

CASES += [
    ("attr-list-no-colon-block", T, term(definition=_d("Text\n{ onclick=alert(1) }")), "data/terms/scaling-policy.yaml:5:20: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'onclick')"),
    ("attr-list-no-colon-id", T, term(definition=_d("Text\n{ id=cite }")), "data/terms/scaling-policy.yaml:5:20: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'id')"),
    ("attr-list-inline-em", T, term(definition=_d("*x*{ onclick=alert(1) }")), "data/terms/scaling-policy.yaml:5:17: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'onclick')"),
    ("attr-list-class", T, term(definition=_d("Text\n{: .md-button }")), "data/terms/scaling-policy.yaml:5:20: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'class')"),
    ("attr-list-table-cell", T, term(definitions_note=_d("note { id=cite }")), "data/terms/scaling-policy.yaml:10:25: G132 definitions_note: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'id')"),
    ("attr-list-list-item", T, term(definition=_d("- item\n{ onmouseover=alert(1) }")), "data/terms/scaling-policy.yaml:5:22: G132 definition: attribute lists ('{: ...}', '{ ... }') are not allowed in data text (found 'onmouseover')"),
    ("refdef-javascript", T, term(definition=_d("[click][x]\n\n[x]: javascript:alert(1)")), "data/terms/scaling-policy.yaml:5:30: G132 definition: reference-style link definitions ('[name]: url') are not allowed in data text: write the link inline as [text](https://...)"),
    ("refdef-harmless", T, term(definition=_d("See [x].\n\n[x]: https://example.org")), "data/terms/scaling-policy.yaml:5:28: G132 definition: reference-style link definitions ('[name]: url') are not allowed in data text: write the link inline as [text](https://...)"),
    ("refdef-angle", T, term(definition=_d("[x]: <javascript:alert(1)>")), "data/terms/scaling-policy.yaml:5:16: G132 definition: reference-style link definitions ('[name]: url') are not allowed in data text: write the link inline as [text](https://...)"),
    ("scheme-entity-hex", T, term(definition=_d("[x](java&#x73;cript:alert(1))")), "data/terms/scaling-policy.yaml:5:13: G132 definition: link target 'javascript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-entity-decimal", T, term(definition=_d("[x](&#106;avascript:alert(1))")), "data/terms/scaling-policy.yaml:5:13: G132 definition: link target 'javascript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-entity-newline", T, term(definition=_d("[x](java&#10;script:alert(1))")), "data/terms/scaling-policy.yaml:5:13: G132 definition: link target 'java\\nscript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-split-newline", T, term(definition=_d("[x](java\nscript:alert(1))")), "data/terms/scaling-policy.yaml:5:13: G132 definition: link target 'java\\nscript:alert(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-data", T, term(definition=_d("[x](data:text/html;base64,PHNjcmlwdD4=)")), "data/terms/scaling-policy.yaml:5:18: G132 definition: link target 'data:text/html;base64,PHNjcmlwdD4=' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-vbscript", T, term(definition=_d("[x](vbscript:msgbox(1))")), "data/terms/scaling-policy.yaml:5:18: G132 definition: link target 'vbscript:msgbox(1)' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("scheme-mailto-autolink", T, term(definition=_d("Write to <me@example.org>.")), "data/terms/scaling-policy.yaml:5:13: G132 definition: link target 'mailto:me@example.org' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("url-backslash", T, term(definition=_d("[x](https://example.org\\evil)")), "data/terms/scaling-policy.yaml:5:18: G132 definition: link target 'https://example.org\\\\evil' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("url-protocol-relative", T, term(definition=_d("[x](//evil.example/)")), "data/terms/scaling-policy.yaml:5:18: G132 definition: link target '//evil.example/' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("url-relative-page", T, term(definition=_d("[x](../terms/other.md)")), "data/terms/scaling-policy.yaml:5:18: G132 definition: link target '../terms/other.md' is not allowed: use an https:// URL, or [[term-id]] for a glossary term"),
    ("url-tab", T, term(definition=_d("[x](https://example.org/a\tb)")), "data/terms/scaling-policy.yaml:5:13: G002 definition: character U+0009 (a control character) at offset 25 is not allowed: use plain spaces and newlines"),
    ("setext-h1", T, term(definition=_d("Injected\n========")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a heading (<h1>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("setext-h2", T, term(definition=_d("Injected\n--------")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a heading (<h2>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("atx-in-list", T, term(definition=_d("- # Heading in a list")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a heading (<h1>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("horizontal-rule", T, term(definition=_d("Text.\n\n***\n\nMore.")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a horizontal rule (<hr>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("block-quote", T, term(definition=_d("> quoted")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a block quote (<blockquote>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("code-fence", T, term(definition=_d("```\ncode\n```")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a block (code fence, admonition or details) (<div>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("indented-code", T, term(definition=_d("Text.\n\n    code block")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a code block (<pre>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("admonition", T, term(definition=_d("!!! danger \"Click\"\n    boo")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a block (code fence, admonition or details) (<div>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("details", T, term(definition=_d("??? note\n    hidden")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a collapsible block (<details>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("table", T, term(definition=_d("| a | b |\n| - | - |\n| 1 | 2 |")), "data/terms/scaling-policy.yaml:5:13: G132 definition: a table (<table>) is not allowed in a Markdown text: write paragraphs and lists; the page supplies the headings"),
    ("abbr-definition", T, term(definition=_d("*[SP]: Something else\n\nSP")), "data/terms/scaling-policy.yaml:5:14: G132 definition: abbreviation definitions ('*[X]: ...') are not allowed in data text: give the term an abbreviation: field instead"),
    ("abbr-definition-inline", T, term(definitions_note=_d("*[HTML]: Hyper")), "data/terms/scaling-policy.yaml:10:20: G132 definitions_note: abbreviation definitions ('*[X]: ...') are not allowed in data text: give the term an abbreviation: field instead"),
    ("footnote-definition", T, term(definition=_d("Claim.[^1]\n\n[^1]: note")), "data/terms/scaling-policy.yaml:5:20: G132 definition: footnotes ('[^1]: ...') are not allowed in data text: the site does not render them; cite the source in sources: instead"),
    ("footnote-reference", T, term(definition=_d("Claim.[^note]")), "data/terms/scaling-policy.yaml:5:20: G132 definition: footnotes ('[^1]: ...') are not allowed in data text: the site does not render them; cite the source in sources: instead"),
    ("cdata", T, term(definition=_d("<![CDATA[ <script>alert(1)</script> ]]>")), "data/terms/scaling-policy.yaml:5:14: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("processing-instruction", T, term(definition=_d("<?php echo 1; ?>")), "data/terms/scaling-policy.yaml:5:14: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("doctype", T, term(definition=_d("<!DOCTYPE html>")), "data/terms/scaling-policy.yaml:5:14: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("unterminated-img", T, term(definition=_d("Text <img src=x onerror=alert(1)")), "data/terms/scaling-policy.yaml:5:19: G132 definition: an HTML tag is not allowed, even an unterminated one: write Markdown, or put the tag in `code`"),
    ("unterminated-script", T, term(definitions_note=_d("a <script")), "data/terms/scaling-policy.yaml:10:22: G132 definitions_note: an HTML tag is not allowed, even an unterminated one: write Markdown, or put the tag in `code`"),
    ("unterminated-closing", T, term(definition=_d("a </div")), "data/terms/scaling-policy.yaml:5:16: G132 definition: an HTML tag is not allowed, even an unterminated one: write Markdown, or put the tag in `code`"),
    ("inline-span", T, term(definitions_note=_d("a <span onclick=x>b</span>")), "data/terms/scaling-policy.yaml:10:22: G132 definitions_note: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("svg-onload", T, term(definition=_d("<svg onload=alert(1)>")), "data/terms/scaling-policy.yaml:5:14: G132 definition: raw HTML is not allowed: write Markdown, or describe the tag in `code`"),
    ("image-external", T, term(definition=_d("![pixel](https://tracker.example/p.png)")), "data/terms/scaling-policy.yaml:5:14: G132 definition: images are not allowed in data text (they would load from another host)"),
    ("image-reference", T, term(definitions_note=_d("![x](https://a.org/x.png)")), "data/terms/scaling-policy.yaml:10:20: G132 definitions_note: images are not allowed in data text (they would load from another host)"),
    ("inline-heading", T, term(definitions_note=_d("# Heading")), "data/terms/scaling-policy.yaml:10:19: G132 definitions_note: a heading (<h1>) is not allowed in one line of inline Markdown: inline Markdown allows emphasis, code and links only"),
    ("inline-list", T, term(definitions_note=_d("- item")), "data/terms/scaling-policy.yaml:10:19: G132 definitions_note: a list (<ul>) is not allowed in one line of inline Markdown: inline Markdown allows emphasis, code and links only"),
    ("inline-ordered-list", T, term(definitions_note=_d("1. item")), "data/terms/scaling-policy.yaml:10:19: G132 definitions_note: a list (<ol>) is not allowed in one line of inline Markdown: inline Markdown allows emphasis, code and links only"),
    ("snippet-in-definition", T, term(definition=_d('--8<-- "/etc/passwd"')), "data/terms/scaling-policy.yaml:5:14: G132 definition: snippet markers ('--8<--') are not allowed in data text: data never includes files"),
    ("snippet-short-marker", T, term(definitions_note=_d("see -8<- 'secret.txt'")), "data/terms/scaling-policy.yaml:10:24: G132 definitions_note: snippet markers ('--8<--') are not allowed in data text: data never includes files"),
    ("u2028-in-title", T, term(title=_d("Scaling\u2028# Policy")), "data/terms/scaling-policy.yaml:2:8: G002 title: character U+2028 (LINE SEPARATOR) at offset 7 is not allowed: use plain spaces and newlines"),
    ("u2029-in-definition", T, term(definition=_d("Text\u2029# Heading")), "data/terms/scaling-policy.yaml:5:13: G002 definition: character U+2029 (PARAGRAPH SEPARATOR) at offset 4 is not allowed: use plain spaces and newlines"),
    ("u0085-in-summary", T, term(summary=_d("Safeguards\u0085# match")), "data/terms/scaling-policy.yaml:4:10: G002 summary: character U+0085 (a control character) at offset 10 is not allowed: use plain spaces and newlines"),
    ("vertical-tab", T, term(title=_d("Scaling\x0bPolicy")), "data/terms/scaling-policy.yaml:2:8: G002 title: character U+000B (a control character) at offset 7 is not allowed: use plain spaces and newlines"),
    ("form-feed", T, term(definition=_d("Text\x0c# Heading")), "data/terms/scaling-policy.yaml:5:13: G002 definition: character U+000C (a control character) at offset 4 is not allowed: use plain spaces and newlines"),
    ("tab-in-title", T, term(title=_d("Scaling\tPolicy")), "data/terms/scaling-policy.yaml:2:8: G002 title: character U+0009 (a control character) at offset 7 is not allowed: use plain spaces and newlines"),
    ("bidi-override", T, term(title=_d("Scaling \u202eyciloP")), "data/terms/scaling-policy.yaml:2:8: G002 title: character U+202E (RIGHT-TO-LEFT OVERRIDE) at offset 8 is not allowed: use plain spaces and newlines"),
    ("nul-character", T, term(definition=_d("Text\x00more")), "data/terms/scaling-policy.yaml:5:13: G002 definition: character U+0000 (a control character) at offset 4 is not allowed: use plain spaces and newlines"),
    ("reference-url-backslash", "data/references.yaml", REFS.replace("https://example.org/beta", "https://example.org\\\\beta"), "data/references.yaml:14:10: G002 references[1].url: 'https://example.org\\\\beta' is not an http(s) URL (made of URL characters: no spaces, quotes or backslashes)"),
    ("reference-url-quote", "data/references.yaml", REFS.replace("https://example.org/beta", "'https://example.org/\"onmouseover=x'"), "data/references.yaml:14:10: G002 references[1].url: 'https://example.org/\"onmouseover=x' is not an http(s) URL (made of URL characters: no spaces, quotes or backslashes)"),
    ("reference-url-space", "data/references.yaml", REFS.replace("https://example.org/beta", "'https://example.org/a b'"), "data/references.yaml:14:10: G002 references[1].url: 'https://example.org/a b' is not an http(s) URL (made of URL characters: no spaces, quotes or backslashes)"),
    # Issue 10: crashes and hangs
    ("definition-too-long", T, term(definition=_d("word " * 1300)), "data/terms/scaling-policy.yaml:5:13: G002 definition: is 6500 characters long, over the limit of 6000: split or shorten it"),
    ("too-much-markup", T, term(definition=_d("a &amp; b " * 70)), "data/terms/scaling-policy.yaml:5:13: G132 definition: more than 60 links, tags or other markup characters ([ < { & \\) in one text: split it or simplify it"),
    ("lists-nested-too-deeply", T, term(definition=_d("1. " * 2000)), "data/terms/scaling-policy.yaml:5:13: G132 definition: nested too deeply to render (lists in lists?): flatten the text"),
    ("quadratic-linker-text", T, term(definition=_d("< " * 2900)), "data/terms/scaling-policy.yaml:5:13: G132 definition: more than 60 links, tags or other markup characters ([ < { & \\) in one text: split it or simplify it"),
    ("self-merge", T, GOOD_TERM + "x: &a\n  <<: *a\n  y: 1\n", "data/terms/scaling-policy.yaml:11:3: G001 document is too large: a merge key '<<' merges a mapping into itself (split or simplify the data)"),
    ("nested-merges", T, GOOD_TERM + "m0: &m0 {a: 1, b: 2, c: 3, d: 4}\n" + "".join(
        f"m{i}: &m{i}\n  <<: [" + ", ".join([f"*m{i - 1}"] * 8) + "]\n" for i in range(1, 12)), "data/terms/scaling-policy.yaml:14:3: G001 document is too large: more than 200000 values (merge keys or aliases expanded) (split or simplify the data)"),
    ("huge-integer", "data/frameworks/beta.yaml",
     (Path(__file__).parent / "fixtures/minimal/data/frameworks/beta.yaml").read_text().replace("rank: 2", "rank: " + "9" * 5000), "data/frameworks/beta.yaml:22:13: G001 a number of 5000 digits is too long (at most 30) (write it in quotes if it is text)"),
    ("id-too-long", T, term(id="a" * 300), "data/terms/scaling-policy.yaml:1:5: G002 id: id is 300 characters long, over the limit of 80"),
    # Issue 10: files that are not data files, and files outside the project
    ("fifo-data-file", "data/terms/fifo.yaml", lambda p: os.mkfifo(p), "data/terms/fifo.yaml:1:1: G001 file is a FIFO, not a regular file (replace it by a regular YAML file)"),
    ("symlink-out-of-project", "data/terms/leak.yaml", lambda p: p.symlink_to("/etc/hostname"), "data/terms/leak.yaml:1:1: G001 file is a symbolic link to a file outside the project: data files must live in the project (replace it by a regular YAML file)"),
    ("directory-as-data-file", "data/terms/folder.yaml", lambda p: p.mkdir(), "data/terms/folder.yaml:1:1: G001 file is a directory, not a data file (replace it by a regular YAML file)"),
    ("device-data-file", "data/terms/zero.yaml", lambda p: p.symlink_to("/dev/null"), "data/terms/zero.yaml:1:1: G001 file is a symbolic link to a file outside the project: data files must live in the project (replace it by a regular YAML file)"),
    ("content-symlink-out", "content/leak.md", lambda p: p.symlink_to("/etc/hostname"), "content/leak.md:1:1: G135 symbolic link leads outside content/ (copy the file into content/ instead)"),
    ("includes-symlink-out", "content/includes/secret.md", lambda p: (p.parent.mkdir(exist_ok=True), p.symlink_to("/etc/hostname")), "content/includes/secret.md:1:1: G135 symbolic link leads outside content/ (copy the file into content/ instead)"),
    ("snippet-missing", ABOUT, (Path(__file__).parent.parent / ABOUT).read_text().replace('"abbreviations.md"', '"missing.md"'), "content/about.md:22:9: G136 snippet 'missing.md' does not exist in content/includes/ (snippets come from content/includes/ only)"),
    ("snippet-escapes-includes", ABOUT, (Path(__file__).parent.parent / ABOUT).read_text().replace('"abbreviations.md"', '"../../../etc/passwd"'), "content/about.md:22:9: G136 snippet '../../../etc/passwd' leads outside content/includes/ (snippets come from content/includes/ only)"),
    ("snippet-absolute", ABOUT, (Path(__file__).parent.parent / ABOUT).read_text().replace('"abbreviations.md"', '"/etc/passwd"'), "content/about.md:22:9: G136 snippet '/etc/passwd' leads outside content/includes/ (snippets come from content/includes/ only)"),
    # Issue 10: output directories
    ("site-dir-in-data", "mkdocs.yml", MKDOCS.replace("site_dir: site", "site_dir: data/site"), "mkdocs.yml:8:1: G008 refusing to build into data/site: it holds the project's own files (set site_dir to a directory of its own, such as site)"),
    ("site-dir-in-content", "mkdocs.yml", MKDOCS.replace("site_dir: site", "site_dir: content/out"), "mkdocs.yml:8:1: G008 refusing to build into content/out: it holds the project's own files (set site_dir to a directory of its own, such as site)"),
    ("site-dir-in-generator", "mkdocs.yml", MKDOCS.replace("site_dir: site", "site_dir: generator/out"), "mkdocs.yml:8:1: G008 refusing to build into generator/out: it holds the project's own files (set site_dir to a directory of its own, such as site)"),
    ("site-dir-unset-env", "mkdocs.yml", MKDOCS.replace("site_dir: site", "site_dir: !ENV GLOSSARY_NEVER_SET_DIR"), "mkdocs.yml:8:1: G008 site_dir resolves to None, not a directory name (an !ENV variable that is not set?) (set site_dir to a directory of its own, such as site)"),
    # Issue 10: the manifest and the mark
    ("hand-written-page-quotes-mark", "content/glossary/index.md",
     "# Mine\n\n" + GENERATED_MARK + '\n\n--8<-- "abbreviations.md"\n', "content/glossary/index.md:1:1: G007 a hand-written page is in the way of a generated one (move or rename the hand-written page; generated pages are listed in content/.generated and carry the generated mark on their first line)"),
]


def _snapshot(root: Path) -> dict[str, str]:
    """Every file below ``root`` (symbolic links and special files by what they are) with its content's hash."""
    found = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            found[rel] = "link " + os.readlink(p)
        elif p.is_file():
            found[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif not p.is_dir():
            found[rel] = "special"
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture project with a built site, copied by each case."""
    root = make_project(tmp_path_factory.mktemp("built") / "project")
    build_site(root)
    return root


def test_corpus_is_large_enough() -> None:
    assert len(CASES) > 100
    assert len({c[0] for c in CASES}) == len(CASES)


def _break(root: Path, rel: str, content: object) -> None:
    """Put the case's bad input in place: text, bytes, a maker of a special file, or None to delete."""
    target = root / rel
    if content is None:
        target.unlink()
    elif callable(content):
        if target.exists() or target.is_symlink():
            target.unlink()
        content(target)
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("case, rel, content, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_site_kept(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             case: str, rel: str, content: object, expected: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    _break(root, rel, content)
    if case == "file-name-mismatch":
        (root / T).unlink()
    before = _snapshot(root)
    code = main(["build", "--root", str(root)])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err + out.out
    lines = out.err.splitlines()
    assert expected in lines, "\n".join(lines)
    assert _snapshot(root) == before  # site/ and every other file as they were
    assert not (root / "pwned").exists()
