"""``python benchmarks/synth.py N OUT``: write a synthetic but realistic project of N terms.

The tree at OUT holds ``mkdocs.yml`` and ``content/about.md`` (copies of this project's), and a
``data/`` glossary of N terms that passes ``python -m generator check``: definitions of a few
hundred words that mention other terms by title, alias and abbreviation (and a few explicit
``[[id]]`` links), related and broader terms, sources from a bibliography of about N/10
references (each cited), about N/50 course chapters, three frameworks with levels, thresholds
and a crosswalk, dated claims, and ``site.yaml``.

The output is a pure function of N: everything comes from ``random.Random(N)``, the dates are
fixed, and files are written in a fixed format, so the same N gives byte-identical trees. It is
used by the benchmarks (``benchmarks/bench.py``) and the scale tests.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
"""The checkout this script belongs to: its mkdocs.yml, theme and hand-written pages are copied."""
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.project import MANIFEST  # noqa: E402  (after the path set-up above)
from generator.stages.write import is_generated, read_manifest  # noqa: E402

# Name vocabulary: titles are "Qualifier Domain Head" (or "Domain Head"); the three lists and the
# filler words are disjoint, so the only mentions of terms in the text are the deliberate ones.
QUALIFIERS = """Adversarial Autonomous Behavioral Catastrophic Collective Compositional Conditional
Continuous Cooperative Decentralized Deceptive Delegated Distributed Dynamic Emergent Empirical
Federated Formal Frontier Graduated Hierarchical Incremental Independent Interpretive Iterative
Latent Layered Mechanistic Modular Multilateral Operational Preemptive Probabilistic Procedural
Recursive Residual Robust Scalable Sequential Staged Statistical Strategic Structural Systemic
Tiered Verifiable Voluntary Zonal""".split()
DOMAINS = """Access Accountability Alignment Anomaly Audit Autonomy Biosecurity Capability Compute
Containment Control Corrigibility Cyberoffense Deployment Disclosure Escalation Exfiltration
Forecasting Governance Hazard Incident Influence Insider Jailbreak Licensing Misuse Model
Monitoring Oversight Persuasion Provenance Replication Reward Sabotage Sandbagging Scaling Security
Shutdown Situational Specification Steganography Takeover Tampering Training Transparency Uplift
Watermark Weight""".split()
HEADS = """Analysis Baseline Benchmark Boundary Budget Case Charter Check Commitment Criterion
Doctrine Evaluation Exercise Filter Framework Gate Guarantee Guideline Index Indicator Level Limit
Mandate Measure Mechanism Method Metric Mitigation Norm Objective Pathway Plan Policy Practice
Principle Procedure Profile Protocol Register Regime Review Rule Safeguard Scale Score Standard
Strategy Threshold""".split()
FILLER = """a an the of to in for on with by from as at into over under between across about
through during before after against within without and or but so because while when where which
that this these those it its their they we our one two three several many most each every other
some such more less often usually typically generally rarely may can must should would could will
is are was were be been being has have had does do not only also even still further then thus
system systems developer developers lab labs team teams process processes result results risk risks
harm harms evidence claim claims decision decisions reviewers expert experts
public publication report reports document documents version versions example examples
measured approach approaches question questions condition
conditions requirement requirements signal signals outcome
outcomes actor actors user users operator operators regulator regulators auditor auditors agency
agencies company companies organisation organisations research researchers paper papers data
dataset datasets input inputs output outputs behaviour behaviours response responses
safety secure reliable careful clear explicit implicit formalised informal internal external
early late new old current previous future high low strong weak narrow broad general specific
describe describes described define defines defined require requires required apply applies
applied trigger triggers triggered assess assesses assessed compare compares compared identify
identifies identified reduce reduces reduced increase increases increased support
supports supported publish publishes published track tracks tracked""".split()
CATEGORIES = ["concept", "practice", "safeguard", "technique", "policy", "capability", "risk-domain",
              "level-scheme", "organisation"]
PUBLISHERS = ["Northwind Labs", "Aurora Institute", "Meridian AI", "Harbor Research Council",
              "Cobalt Safety Group", "Lantern Policy Centre", "Summit Standards Board",
              "Keystone University", "Halcyon Foundation", "Orchard Evaluation Office"]
FIRST_NAMES = ["Ada", "Ben", "Chidi", "Dana", "Emil", "Farah", "Goran", "Hana", "Ines", "Jonas", "Kemi", "Lior"]
LAST_NAMES = ["Example", "Sample", "Placeholder", "Testwell", "Mockford", "Dummer", "Synthe", "Fakir"]
REF_KINDS = ["paper", "report", "web", "announcement", "standard", "system-card", "paper", "report"]
RISK_DOMAINS = ["Biology", "Cybersecurity", "Autonomy", "Persuasion", "Nuclear and radiological",
                "Machine learning research"]
FRAMEWORKS = [  # id, title, short title, publisher, level prefix, scale name
    ("northwind-scaling-policy", "Northwind Scaling Policy", "NSP", "Northwind Labs", "nsl", "Northwind Safety Level"),
    ("aurora-frontier-framework", "Aurora Frontier Framework", "AFF", "Aurora Institute", "acl", "Aurora Critical Level"),
    ("meridian-preparedness-plan", "Meridian Preparedness Plan", "MPP", "Meridian AI", "mrl", "Meridian Risk Level"),
]


def _q(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _block(key: str, text: str, indent: str = "") -> str:
    """``key: |-`` and ``text`` as a literal block scalar."""
    pad = indent + "  "
    body = "\n".join(pad + line if line else "" for line in text.split("\n"))
    return f"{indent}{key}: |-\n{body}\n"


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def _plural(word: str) -> str:
    lower = word.lower()
    if lower.endswith("y") and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("ch", "sh", "ss", "x", "s")):
        return word + "es"
    return word + "s"


class _Term:
    __slots__ = (
        "abbreviation",
        "aliases",
        "broader",
        "category",
        "claims",
        "definition",
        "framework",
        "id",
        "related",
        "reviewed",
        "sources",
        "summary",
        "title",
    )

    def __init__(self, title: str):
        self.id = _slug(title)
        self.title = title
        self.abbreviation: str | None = None
        self.aliases: list[str] = []
        self.related: list[str] = []
        self.broader: str | None = None
        self.sources: list[str] = []
        self.framework: str | None = None
        self.claims: list[tuple[str, str, str, str]] = []  # text, as_of, framework, ref


class Synth:
    """Builds the records of a synthetic glossary of ``n`` terms from ``random.Random(n)``."""

    def __init__(self, n: int):
        if n < 5:
            raise ValueError("synth needs at least 5 terms")
        self.n = n
        self.rng = random.Random(n)
        self.terms = self._names()
        self.ref_ids = [f"ref-{i:05d}" for i in range(max(5, n // 10))]

    # --- names -------------------------------------------------------------------------------

    def _names(self) -> list[_Term]:
        rng = self.rng
        nq, nd, nh = len(QUALIFIERS), len(DOMAINS), len(HEADS)
        two = min(self.n // 10, nd * nh)
        three = self.n - two
        if three > nq * nd * nh:
            raise ValueError(f"synth supports at most {nq * nd * nh + nd * nh} terms")
        terms: list[_Term] = []
        for code in rng.sample(range(nq * nd * nh), three):
            q, d, h = QUALIFIERS[code // (nd * nh)], DOMAINS[code // nh % nd], HEADS[code % nh]
            terms.append(_Term(f"{q} {d} {h}"))
        for code in rng.sample(range(nd * nh), two):
            d, h = DOMAINS[code // nh], HEADS[code % nh]
            terms.append(_Term(f"{d} {h}"))
        rng.shuffle(terms)
        abbreviations: set[str] = set()
        for term in terms:
            words = term.title.split()
            head, rest = words[-1].lower(), " ".join(words[:-1]).lower()
            roll = rng.random()
            if roll < 0.55:
                term.aliases.append(f"{head} for {rest}")
            if roll < 0.2 or roll > 0.85:
                term.aliases.append(f"{' '.join(w.lower() for w in words[:-2])} {words[-2].lower()}-{head}".strip())
            if len(words) == 3 and rng.random() < 0.3:
                base = "".join(w[0] for w in words)
                abbr, k = base, 2
                while abbr in abbreviations:
                    abbr, k = f"{base}{k}", k + 1
                abbreviations.add(abbr)
                term.abbreviation = abbr
        return terms

    # --- text --------------------------------------------------------------------------------

    def _sentence(self, low: int, high: int, mention: Callable[[], str] | None = None) -> str:
        rng = self.rng
        words = rng.choices(FILLER, k=rng.randint(low, high))
        if mention is not None:
            words.insert(rng.randrange(1, len(words) + 1), mention())
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _mention(self, candidates: list[_Term]) -> str:
        rng = self.rng
        term = rng.choice(candidates)
        roll = rng.random()
        if roll < 0.08:
            return f"[[{term.id}]]" if rng.random() < 0.5 else f"[[{term.id}|{rng.choice(FILLER)} {term.title.lower()}]]"
        if roll < 0.22 and term.abbreviation:
            return term.abbreviation
        if roll < 0.45 and term.aliases:
            return rng.choice(term.aliases)
        title = term.title.lower()
        return _plural(title) if rng.random() < 0.2 else title

    def _definition(self, term: _Term) -> str:
        rng = self.rng
        near = [self.by_id[r] for r in term.related] or self.terms
        paragraphs = []
        for _ in range(rng.randint(2, 4)):
            sentences = []
            for _ in range(rng.randint(3, 6)):
                roll = rng.random()
                if roll < 0.3:
                    sentences.append(self._sentence(8, 18, lambda: self._mention(near)))
                elif roll < 0.55:
                    sentences.append(self._sentence(8, 18, lambda: self._mention(self.terms)))
                else:
                    sentences.append(self._sentence(10, 22))
            paragraph = " ".join(sentences)
            if rng.random() < 0.15:
                word = rng.choice(FILLER)
                paragraph = paragraph.replace(f" {word} ", f" *{word}* ", 1)
            paragraphs.append(paragraph)
        if rng.random() < 0.2:
            items = [f"- {self._sentence(4, 9, lambda: self._mention(self.terms))}" for _ in range(rng.randint(2, 4))]
            paragraphs.append("\n".join(items))
        return "\n\n".join(paragraphs)

    # --- records -----------------------------------------------------------------------------

    def build(self) -> dict[str, str]:
        """Every data file as relative path -> text."""
        rng = self.rng
        terms = self.terms
        self.by_id = {t.id: t for t in terms}
        ids = [t.id for t in terms]
        refs = self.ref_ids
        for i, term in enumerate(terms):
            term.category = rng.choice(CATEGORIES)
            pool = [x for x in rng.sample(ids, min(len(ids), 7)) if x != term.id]
            term.related = pool[: rng.randint(1, 5)]
            if i and rng.random() < 0.3:
                term.broader = terms[rng.randrange(0, i)].id  # earlier terms only: no cycles
            term.sources = [refs[i % len(refs)]]
            if rng.random() < 0.4:
                extra = refs[rng.randrange(len(refs))]
                if extra not in term.sources:
                    term.sources.append(extra)
            day = rng.randrange(0, 500)
            term.reviewed = _date(2024, 1, 1, day)
        for term in terms:
            term.summary = self._sentence(10, 24).rstrip(".")[:300] + "."
            term.definition = self._definition(term)
        files: dict[str, str] = {}
        files["data/site.yaml"] = self._site()
        frameworks = self._frameworks(files)
        for term in terms:
            if rng.random() < 0.05:
                fw = rng.choice(frameworks)
                level = rng.choice(fw["levels"])
                text = (f"{fw['publisher']} applies {level[1]} to {rng.choice(FILLER)} "
                        f"{self._mention(terms)} deployments.")
                term.claims.append((text, _date(2025, 1, 1, rng.randrange(0, 120)), fw["id"], fw["ref"]))
            files[f"data/terms/{term.id}.yaml"] = self._term_yaml(term)
        files["data/references.yaml"] = self._references(frameworks)
        files["data/chapters.yaml"] = self._chapters()
        files["data/crosswalk.yaml"] = self._crosswalk(frameworks)
        return files

    def _site(self) -> str:
        return (f"name: {_q(f'Synthetic Glossary of {self.n} Terms')}\n"
                "short_name: SYN\n"
                f"version: {_q('synth-' + str(self.n))}\n"
                "url: https://example.org/synthetic-glossary/\n"
                f"description: {_q(f'A generated glossary of {self.n} terms for benchmarks and scale tests.')}\n"
                "publisher: The generator synth command\n"
                "license: CC0 1.0\n")

    def _term_yaml(self, t: _Term) -> str:
        out = [f"id: {t.id}", f"title: {_q(t.title)}"]
        if t.abbreviation:
            out.append(f"abbreviation: {t.abbreviation}")
        if t.aliases:
            out.append(f"aliases: {_flow([_q(a) for a in t.aliases])}")
        out.append(f"summary: {_q(t.summary)}")
        text = "\n".join(out) + "\n" + _block("definition", t.definition)
        out = [f"category: {t.category}"]
        if t.related:
            out.append(f"related: {_flow(t.related)}")
        if t.broader:
            out.append(f"broader: {t.broader}")
        if t.framework:
            out.append(f"framework: {t.framework}")
        out.append(f"sources: {_flow(t.sources)}")
        if t.claims:
            out.append("claims:")
            for claim_text, as_of, fw, ref in t.claims:
                out += [f"  - text: {_q(claim_text)}", f"    as_of: {as_of}", f"    framework: {fw}",
                        f"    sources: [{ref}]"]
        out.append(f"reviewed: {t.reviewed}")
        return text + "\n".join(out) + "\n"

    def _frameworks(self, files: dict[str, str]) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for k, (fid, title, short, publisher, prefix, scale) in enumerate(FRAMEWORKS):
            ref = self.ref_ids[k]
            term = self.terms[k]
            term.framework, term.category = fid, "framework"
            levels = [(f"{prefix}-{r}", f"{prefix.upper()}-{r}") for r in range(1, 5)]
            out = [f"id: {fid}", f"title: {_q(title)}", f"short_title: {short}", f"publisher: {_q(publisher)}",
                   f"summary: {_q(self._sentence(10, 20))}"]
            text = "\n".join(out) + "\n" + _block("description", self._paragraphs(2, self.terms)) + f"term: {term.id}\n"
            out = ["versions:",
                   "  - version: \"1.0\"", "    date: 2023-03-01", f"    source: {ref}",
                   "  - version: \"2.0\"", "    date: 2024-05-01", f"    source: {ref}",
                   f"    changes: {_q(self._sentence(8, 14))}",
                   "scale:", f"  name: {_q(scale)}", "  levels:"]
            for rank, (lid, label) in enumerate(levels, 1):
                out += [f"    - id: {lid}", f"      label: {label}", f"      rank: {rank}",
                        f"      summary: {_q(self._sentence(6, 12))}",
                        f"      description: {_q(self._sentence(12, 20, lambda: self._mention(self.terms)))}",
                        f"      examples: [{_q(self._sentence(5, 9))}]",
                        f"      safeguards: [{_q(self._sentence(5, 9, lambda: self._mention(self.terms)))}, "
                        f"{_q(self._sentence(5, 9))}]"]
                if rank == 4:
                    out.append("      introduced_in: \"2.0\"")
                out.append(f"      sources: [{ref}]")
            out.append("thresholds:")
            for j in range(rng.randint(3, 6)):
                domain = RISK_DOMAINS[j % len(RISK_DOMAINS)]
                out += [f"  - id: {prefix}-threshold-{j + 1}", f"    domain: {_q(domain)}",
                        f"    title: {_q(domain + ' uplift ' + str(j + 1))}",
                        f"    description: {_q(self._sentence(12, 20, lambda: self._mention(self.terms)))}",
                        f"    requires: {levels[1 + j % 3][0]}", "    introduced_in: \"1.0\"",
                        f"    sources: [{ref}]"]
            out += [f"sources: [{ref}]", "reviewed: 2025-02-01"]
            files[f"data/frameworks/{fid}.yaml"] = text + "\n".join(out) + "\n"
            result.append({"id": fid, "publisher": publisher, "ref": ref, "levels": levels})
        return result

    def _paragraphs(self, count: int, candidates: list[_Term]) -> str:
        return "\n\n".join(" ".join(self._sentence(8, 16, lambda: self._mention(candidates)) for _ in range(3))
                           for _ in range(count))

    def _references(self, frameworks: list[dict[str, Any]]) -> str:
        rng = self.rng
        out = ["references:"]
        for i, rid in enumerate(self.ref_ids):
            if i < len(frameworks):
                fw = FRAMEWORKS[i]
                title, publisher, kind, version = fw[1], fw[3], "framework", "2.0"
            else:
                title = " ".join(w.capitalize() for w in rng.choices(FILLER, k=rng.randint(3, 8)))
                publisher, kind, version = rng.choice(PUBLISHERS), rng.choice(REF_KINDS), None
            out += [f"  - id: {rid}", f"    title: {_q(title)}", f"    publisher: {_q(publisher)}"]
            if rng.random() < 0.6:
                authors = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 3))]
                out.append(f"    authors: {_flow([_q(a) for a in authors])}")
            date = "2024-05-01" if i < len(frameworks) else _date(2019, 1, 1, rng.randrange(0, 1800))
            out += [f"    date: {date}", f"    url: https://example.org/papers/{rid}"]
            if version:
                out.append(f"    version: {_q(version)}")
            out.append(f"    kind: {kind}")
            if rng.random() < 0.3:
                out.append(f"    accessed: {_date(2024, 6, 1, rng.randrange(0, 200))}")
        return "\n".join(out) + "\n"

    def _chapters(self) -> str:
        rng = self.rng
        pool = [t.id for t in self.terms]
        rng.shuffle(pool)
        introduced: list[str] = []
        out = ["chapters:"]
        for number in range(1, max(1, self.n // 50) + 1):
            title = " ".join(w.capitalize() for w in rng.choices(FILLER, k=rng.randint(2, 5)))
            out += [f"  - id: ch{number}-{_slug(title.lower()).replace('--', '-')}", f"    number: {number}",
                    f"    title: {_q(title)}"]
            if rng.random() < 0.7:
                out.append(f"    summary: {_q(self._sentence(8, 16))}")
            out.append("    sections:")
            for s in range(1, rng.randint(3, 5) + 1):
                new = [pool.pop() for _ in range(min(len(pool), rng.randint(2, 4)))]
                old = rng.sample(introduced, min(len(introduced), rng.randint(1, 3)))
                out += [f"      - id: section-{s}",
                        f"        title: {_q(' '.join(w.capitalize() for w in rng.choices(FILLER, k=3)))}",
                        f"        introduces: {_flow(new)}", f"        discusses: {_flow(old)}"]
                introduced += new
        return "\n".join(out) + "\n"

    def _crosswalk(self, frameworks: list[dict[str, Any]]) -> str:
        out = ["as_of: 2025-02-01", f"note: {_q(self._sentence(10, 18))}", "mappings:"]
        for a, b in ((0, 1), (1, 2), (2, 0)):
            fa, fb = frameworks[a], frameworks[b]
            for (la, _), (lb, _) in zip(fa["levels"][:3], fb["levels"][:3], strict=True):
                out += [f"  - source: {fa['id']}/{la}", '    source_version: "2.0"', f"    target: {fb['id']}/{lb}",
                        '    target_version: "2.0"',
                        "    relation: analogous", f"    note: {_q(self._sentence(6, 12))}",
                        f"    sources: [{fa['ref']}, {fb['ref']}]"]
        fa = frameworks[0]
        out += [f"  - source: {fa['id']}/{fa['levels'][3][0]}", '    source_version: "2.0"', "    relation: none",
                f"    note: {_q(self._sentence(6, 12))}", f"    sources: [{fa['ref']}]"]
        return "\n".join(out) + "\n"


def _date(year: int, month: int, day: int, plus_days: int) -> str:
    import datetime as dt

    return (dt.date(year, month, day) + dt.timedelta(days=plus_days)).isoformat()


def _config_dirs(config: Path) -> list[str]:
    """Folders outside content/ that mkdocs.yml names by a relative path (``custom_dir``)."""
    import re

    found = re.findall(r"^\s*custom_dir:\s*['\"]?([^'\"#\s]+)", config.read_text(encoding="utf-8"), re.M)
    return [f for f in found if not Path(f).is_absolute() and ".." not in Path(f).parts and (config.parent / f).is_dir()]


def _hand_written(content: Path) -> list[Path]:
    """The files of the repository's content/ that the generator did not write."""
    manifest = read_manifest(content)
    found = []
    for file in sorted(content.rglob("*")):
        rel = file.relative_to(content).as_posix()
        if not file.is_file() or rel == MANIFEST or file.name.startswith("."):
            continue
        if is_generated(content, rel, manifest):
            continue
        found.append(file)
    return found


def synth(n: int, out: Path) -> dict[str, str]:
    """Write a project of ``n`` terms to ``out`` (its data/ is replaced); return the data files written."""
    out = Path(out)
    files = Synth(n).build()
    shutil.rmtree(out / "data", ignore_errors=True)
    (out / "data" / "terms").mkdir(parents=True)
    (out / "data" / "frameworks").mkdir()
    (out / "content").mkdir(exist_ok=True)
    shutil.copyfile(REPO / "mkdocs.yml", out / "mkdocs.yml")
    for folder in _config_dirs(REPO / "mkdocs.yml"):  # theme overrides that mkdocs.yml names
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, out / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for page in _hand_written(REPO / "content"):  # about.md, and assets mkdocs.yml may name
        target = out / "content" / page.relative_to(REPO / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    for rel, text in files.items():
        (out / rel).write_bytes(text.encode("utf-8"))
    return files


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic project of N terms to OUT (for benchmarks and scale tests)."""
    started = time.perf_counter()
    files = synth(args.n, args.out)
    print(f"synth: {args.n} terms, {len(files)} data files in {args.out} ({time.perf_counter() - started:.2f}s)")
    return 0


def _count(text: str) -> int:
    value = int(text)
    if value < 5:
        raise argparse.ArgumentTypeError("N must be at least 5")
    return value


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/synth.py N OUT``."""
    parser = argparse.ArgumentParser(prog="python benchmarks/synth.py", description=cmd_synth.__doc__)
    parser.add_argument("n", type=_count, metavar="N", help="number of terms")
    parser.add_argument("out", type=Path, metavar="OUT", help="directory to write the project tree into")
    return cmd_synth(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
