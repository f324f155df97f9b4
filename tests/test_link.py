"""How the auto-linker treats plain prose: possessives, organisations next to level names, numbered levels."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.model.records import Term
from generator.stages.link import EXPLICIT, Linker, iter_texts, strip_links, term_url
from generator.stages.validate import load_glossary
from tests.conftest import REPO


def term(tid: str, title: str, abbreviation: str | None = None, aliases: tuple[str, ...] = (),
         category: str = "concept") -> Term:
    return Term(id=tid, title=title, abbreviation=abbreviation, aliases=list(aliases), summary="S.",
                definition="D.", category=category, reviewed=dt.date(2026, 1, 1))


TERMS = [
    term("anthropic", "Anthropic"), term("openai", "OpenAI"), term("google-deepmind", "Google DeepMind", aliases=("DeepMind",)),
    term("ai-safety-level", "AI Safety Level", "ASL"), term("ccl", "Critical Capability Level", "CCL"),
    term("ml-rnd", "Autonomous AI R&D", aliases=("machine learning R&D",)),
    term("weight-security", "Model Weight Security", aliases=("Security Level",)),
    term("rand", "RAND Corporation", aliases=("RAND",)), term("rand-sl2", "RAND SL2", aliases=("Security Level 2",)),
    term("rsp", "Responsible Scaling Policy", "RSP"), term("pf", "OpenAI Preparedness Framework"),
    term("fsf", "Frontier Safety Framework", category="framework"), term("meta", "Meta", category="organisation"),
]


def link(text: str) -> str:
    return Linker(TERMS, term_url).link(text, set()).text


def to(tid: str, label: str) -> str:
    return f"[{label}](../terms/{tid}.md){{ data-preview }}"


@pytest.mark.parametrize("prose, linked", [
    # possessives: the name links, the ending stays outside; a repeated mention links once per section
    ("Anthropic's levels and Anthropic's ASL-3.", f"{to('anthropic', 'Anthropic')}'s levels and Anthropic's ASL-3."),
    ("OpenAI’s High and Google DeepMind's CCLs", f"{to('openai', 'OpenAI')}’s High and {to('google-deepmind', 'Google DeepMind')}'s {to('ccl', 'CCLs')}"),
    # a hyphen joins: ASL-3 is not a mention of ASL; ASLs is
    ("ASL-3 and ASL-4 are ASLs.", f"ASL-3 and ASL-4 are {to('ai-safety-level', 'ASLs')}."),
    # an organisation right next to a level name: only the head of the phrase links, the organisation next time
    ("the Google DeepMind CCL, as Google DeepMind says", f"the Google DeepMind {to('ccl', 'CCL')}, as {to('google-deepmind', 'Google DeepMind')} says"),
    ("its machine learning R&D critical capability levels", f"its machine learning R&D {to('ccl', 'critical capability levels')}"),
    # a name that contains the organisation is one mention
    ("the OpenAI Preparedness Framework", f"the {to('pf', 'OpenAI Preparedness Framework')}"),
    # a level's name followed by a number names that level; "+" continues a name
    ("its Security Level 2+ baseline", "its Security Level 2+ baseline"),
    ("built on RAND Security Level 2.", f"built on RAND {to('rand-sl2', 'Security Level 2')}."),
    ("AI Safety Level 3 and AI Safety Levels", f"AI Safety Level 3 and {to('ai-safety-level', 'AI Safety Levels')}"),
    # versions after an abbreviation are not level numbers
    ("RSP 3.4 and a Security Level", f"{to('rsp', 'RSP')} 3.4 and a {to('weight-security', 'Security Level')}"),
    # proper names (frameworks, organisations) link only as written; a common noun in any case
    ("frontier safety frameworks differ; the Frontier Safety Framework", f"frontier safety frameworks differ; the {to('fsf', 'Frontier Safety Framework')}"),
    ("a meta-analysis by Meta", f"a meta-analysis by {to('meta', 'Meta')}"),
    ("responsible scaling policies", f"{to('rsp', 'responsible scaling policies')}"),
    # separated by punctuation or words, neighbours both link
    ("Anthropic, OpenAI and DeepMind", f"{to('anthropic', 'Anthropic')}, {to('openai', 'OpenAI')} and {to('google-deepmind', 'DeepMind')}"),
])
def test_plain_prose_links_readably(prose: str, linked: str) -> None:
    assert link(prose) == linked
    assert strip_links(link(prose)) == prose


def test_no_two_automatic_links_in_the_real_data_touch() -> None:
    """Across every text of the real data, no two automatic links are separated by spaces only, and no
    link is followed by '+' or by a number after a level's name."""
    glossary, _ = load_glossary(REPO)
    linker = Linker(glossary.terms.values(), term_url)
    for record, loc, text in iter_texts(glossary):
        plain = EXPLICIT.sub(lambda m: m.group(2) or m.group(1), text)
        linked = linker.link(plain, set()).text
        where = f"{record.doc.path} {loc}"
        assert "{ data-preview } [" not in linked, where
        assert "{ data-preview }+" not in linked, where
        assert not re.search(r"[Ll]evel\]\([^)]*\)\{ data-preview \} \d", linked), where
