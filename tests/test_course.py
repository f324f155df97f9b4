"""Chapters point to the course: course URLs on chapter and term pages, and ``chapters scan``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import generate
from generator.commands.main import main
from tests.conftest import edit, findings_of

COURSE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return Path(shutil.copytree(COURSE, tmp_path / "course"))


def scan(project: Path, course: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["chapters", "scan", str(course), "--root", str(project), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err.replace(str(course), "course")


def test_scan_reports_unknown_and_unlisted_terms_as_path_line_col(project: Path, course: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scan(project, course, capsys)
    assert code == 1
    assert "scanned 4 files: 11 references to the glossary, 8 resolved, in 2 chapters" in out
    assert err.splitlines() == [
        "course/ch1-basics.md:8:18: G014 unknown glossary term 'Safty Level' (did you mean 'safety level'?)",
        "course/ch2-more/appendix.tex:2:53: G014 unknown glossary term 'scaling-polcy' (did you mean 'scaling-policy'?)",
        "course/ch2-more/intro.qmd:8:22: G014 unknown glossary term 'red-teeming' (did you mean 'red-teaming'?)",
        "course/ch1-basics.md:12:11: G014 chapter 'ch1-basics' uses the term 'scaling-policy' before chapter 2 introduces it"
        " (list it under introduces of section 'levels' in data/chapters.yaml instead)",
        "course/ch2-more/intro.qmd:7:52: G014 chapter 'ch2-more' uses the term 'red-teaming', which data/chapters.yaml"
        " does not list (add it to the discusses of section 'evals', or run with --update)",
        "5 problems found.",
    ]


def test_scan_update_writes_the_discusses_lists_and_keeps_the_file_valid(project: Path, course: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "data/chapters.yaml").read_text(encoding="utf-8")
    code, out, err = scan(project, course, capsys, "--update")
    assert "added to data/chapters.yaml: ch2-more#evals: red-teaming" in out
    after = (project / "data/chapters.yaml").read_text(encoding="utf-8")
    assert after == before.replace("discusses: [safety-level]", "discusses: [safety-level, red-teaming]")
    assert findings_of(project) == []
    assert code == 1 and "does not list" not in err  # the unknown terms remain
    # a clean course passes
    for name in ("ch1-basics.md", "ch2-more/appendix.tex", "ch2-more/intro.qmd"):
        file = course / name
        text = file.read_text(encoding="utf-8")
        for typo, fixed in (("Safty", "Safety"), ("scaling-polcy", "scaling-policy"), ("red-teeming", "red-teaming"),
                            ("[[scaling-policy]]", "scaling policies")):
            text = text.replace(typo, fixed)
        file.write_text(text, encoding="utf-8")
    code, out, err = scan(project, course, capsys)
    assert code == 0 and err == "", err


@pytest.mark.parametrize("layout, expected", [
    ("block", "        discusses:\n          - safety-level\n          - red-teaming\n"),
    ("absent", "        title: Evaluations\n        discusses: [red-teaming]\n        introduces: [scaling-policy]\n"),
])
def test_scan_update_edits_block_lists_and_adds_a_missing_key(project: Path, course: Path, layout: str, expected: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    if layout == "block":
        edit(project, "data/chapters.yaml", "        discusses: [safety-level]\n",
             "        discusses:\n          - safety-level\n")
    else:
        edit(project, "data/chapters.yaml", "        introduces: [scaling-policy]\n        discusses: [safety-level]\n",
             "        introduces: [scaling-policy]\n")
    scan(project, course, capsys, "--update")
    text = (project / "data/chapters.yaml").read_text(encoding="utf-8")
    assert expected in text, text
    assert findings_of(project) == []


def test_scan_of_a_missing_folder_is_a_finding(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = scan(project, tmp_path / "nowhere", capsys)
    assert code == 1 and "not a folder" in err and "Traceback" not in err


def test_chapter_source_path_may_not_leave_the_course(project: Path) -> None:
    line = edit(project, "data/chapters.yaml", "    title: Basics\n", "    title: Basics\n    source: ../../etc\n")
    messages = [f.format() for f in findings_of(project)]
    assert any(m.startswith(f"data/chapters.yaml:{line + 1}:13:") and "not a path inside the course folder" in m
               for m in messages), messages


def test_chapter_and_section_urls_must_be_http(project: Path) -> None:
    line = edit(project, "data/chapters.yaml", "    title: Basics\n", "    title: Basics\n    url: javascript:alert(1)\n")
    messages = [f.format() for f in findings_of(project)]
    assert any(m.startswith(f"data/chapters.yaml:{line + 1}:10:") and "is not an http(s) URL" in m for m in messages), messages


def test_chapter_and_term_pages_link_to_the_course_text(project: Path) -> None:
    edit(project, "data/chapters.yaml", "    title: Basics\n",
         "    title: Basics\n    url: https://course.test/ch1/\n")
    edit(project, "data/chapters.yaml", "        title: Evaluations\n",
         "        title: Evaluations\n        url: https://course.test/ch2/#evals\n")
    generate(project)
    chapter = (project / "content/chapters/ch1-basics.md").read_text(encoding="utf-8")
    assert "**[Read chapter 1 in the course](<https://course.test/ch1/>)**" in chapter
    other = (project / "content/chapters/ch2-more.md").read_text(encoding="utf-8")
    assert "[Read this section in the course](<https://course.test/ch2/#evals>)" in other
    term = (project / "content/terms/safety-level.md").read_text(encoding="utf-8")
    assert "(introduced here) · [read it in the course](<https://course.test/ch1/>)" in term
    assert "section [Evaluations](../chapters/ch2-more.md#evals) · [read it in the course](<https://course.test/ch2/#evals>)" in term
