"""Golden files: the Markdown the fixture project (tests/fixtures/minimal) generates, committed in
tests/golden/, so a template or stage change shows up as a diff for review.

After an intended change to the output, rewrite them and review the diff::

    make golden        # python -m tests.test_golden --update
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator.build.pipeline import generate
from generator.project import MANIFEST
from generator.stages.write import read_manifest
from tests.conftest import make_project

GOLDEN = Path(__file__).resolve().parent / "golden" / "minimal"
UPDATE = "make golden  (python -m tests.test_golden --update)"


def generated_pages(workdir: Path) -> dict[str, str]:
    """Every file the generator writes for the fixture project (the manifest included), by path."""
    root = make_project(workdir / "project")
    generate(root)
    content = root / "content"
    return {rel: (content / rel).read_text(encoding="utf-8") for rel in sorted(read_manifest(content) | {MANIFEST})}


def committed_pages() -> dict[str, str]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def test_the_fixture_generates_the_committed_markdown(tmp_path: Path) -> None:
    produced, committed = generated_pages(tmp_path), committed_pages()
    assert sorted(produced) == sorted(committed), f"pages added or removed: review, then run {UPDATE}"
    changed = [rel for rel in produced if produced[rel] != committed[rel]]
    assert not changed, f"generated Markdown differs from tests/golden/ in {changed}: review the diff, then run {UPDATE}"


def update() -> None:
    """Rewrite tests/golden/ from the current generator (removing pages it no longer writes)."""
    with tempfile.TemporaryDirectory() as tmp:
        produced = generated_pages(Path(tmp))
    for old in GOLDEN.rglob("*") if GOLDEN.exists() else []:
        if old.is_file() and old.relative_to(GOLDEN).as_posix() not in produced:
            old.unlink()
    for rel, text in produced.items():
        (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / rel).write_text(text, encoding="utf-8")
    print(f"{GOLDEN}: {len(produced)} files")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(f"usage: python -m tests.test_golden --update   ({__doc__.strip().splitlines()[0]})")
    update()
