"""The URL scheme (generator/urls.py): every form of an address, and the list of the site's addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import urls
from generator.build.permalinks import permalinks
from generator.model.records import ELEMENT_TITLES
from generator.stages.validate import load_glossary

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"


@pytest.mark.parametrize(("page", "url"), [
    ("index.md", ""), ("glossary/index.md", "glossary/"), ("frameworks/compare.md", "frameworks/compare/"),
    ("terms/x.md", "terms/x/"), ("about.md", "about/"),
])
def test_page_url_follows_mkdocs_directory_urls(page: str, url: str) -> None:
    assert urls.page_url(page) == url


def test_the_forms_of_one_address() -> None:
    page = urls.framework_page("rsp")
    assert page == "frameworks/rsp.md"
    assert urls.md_link(page, urls.level_anchor("asl-3")) == "../frameworks/rsp.md#asl-3"
    assert urls.md_link(urls.term_page("x"), depth=0) == "terms/x.md"
    assert urls.site_path(page, "asl-3") == "/frameworks/rsp/#asl-3"
    assert urls.site_path(urls.HOME) == "/"
    assert urls.absolute("https://example.org/glossary", page) == "https://example.org/glossary/frameworks/rsp/"
    assert urls.absolute("https://example.org/", urls.REFERENCES, "ref") == "https://example.org/references/#ref"


@pytest.mark.parametrize(("source", "page", "anchor", "expected"), [
    ("frameworks/compare.md", "frameworks/rsp.md", "asl-3", "../rsp/#asl-3"),
    ("frameworks/rsp.md", "frameworks/rsp.md", "asl-3", "#asl-3"),
    ("terms/old.md", "terms/new.md", "", "../new/"),
    ("index.md", "terms/x.md", "", "terms/x/"),
    ("terms/x.md", "index.md", "", "../../"),
])
def test_url_from_is_relative_to_the_source_page_url(source: str, page: str, anchor: str, expected: str) -> None:
    assert urls.url_from(source, page, anchor) == expected


def test_term_of_reads_back_only_term_page_urls() -> None:
    assert urls.term_of("/terms/x/") == "x"
    assert urls.term_of(urls.site_path(urls.term_page("a-b"))) == "a-b"
    assert urls.term_of("/frameworks/x/") is None
    assert urls.term_of("/terms/x/#cite") is None


def test_includes_are_not_pages() -> None:
    assert urls.is_page("terms/x.md") and urls.is_page("about.md")
    assert not urls.is_page(urls.ABBREVIATIONS)
    assert not urls.is_page("terms/x.yaml")


def test_letter_anchors() -> None:
    assert urls.letter_anchor("A") == "letter-a"
    assert urls.letter_anchor("#") == "letter-other"


def test_addresses_list_every_record_once_with_its_owner() -> None:
    g, findings = load_glossary(FIXTURE)
    assert findings == []
    found = list(urls.addresses(g, list(ELEMENT_TITLES)))
    keys = [(a.page, a.anchor) for a in found]
    assert len(keys) == len(set(keys)), "the fixture's addresses collide"
    by_kind: dict[str, list[urls.Address]] = {}
    for address in found:
        by_kind.setdefault(address.kind, []).append(address)
    assert {a.owner.id for a in by_kind["term"]} == set(g.terms)
    assert len(by_kind["page"]) == len(urls.FIXED_PAGES)
    assert {a.url for a in found if a.permanent} == permalinks(g)
    assert all(not a.permanent for a in by_kind.get("version", []) + by_kind.get("heading", []))
