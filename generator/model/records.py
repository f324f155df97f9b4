"""Typed models of every record in ``data/``: the schema of the glossary.

Every model forbids unknown fields. Text fields come in three kinds, each with its own rule,
enforced here so that no contributor text can inject markup into the site:

* :data:`PlainText`: one line, no Markdown or HTML meaning (titles, labels, summaries);
* :data:`InlineMarkdown`: one line of Markdown (emphasis, code, links) without raw HTML;
* :data:`MarkdownText`: paragraphs and lists of Markdown without raw HTML, headings,
  thematic breaks or attribute lists.

In every kind, links may point only to ``http(s)://`` URLs, site-relative paths or
anchors, never ``javascript:`` or ``data:`` URLs. Explicit term links are written
``[[term-id]]`` and resolved by the link stage.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--|<![A-Za-z]|<\?")
_ATTR_LIST = re.compile(r"\{\s*[:#.]")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
_SAFE_URL = re.compile(r"^(https?://[^\s]+|/[^\s]*|#[^\s]*|\.{0,2}/?[A-Za-z0-9._~%/-]*(#[^\s]*)?)$")
_BLOCK_MARKUP = re.compile(r"^\s{0,3}(#{1,6}(\s|$)|([-*_])\s*(\3\s*){2,}$|=+\s*$|`{3,}|~{3,}|>)", re.M)


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens")
    return value


def _check_no_html(value: str) -> str:
    if _HTML_TAG.search(value):
        raise ValueError("raw HTML is not allowed: write Markdown, or describe the tag in `code`")
    if _ATTR_LIST.search(value):
        raise ValueError("attribute lists ('{: ...}', '{#...}') are not allowed in data text")
    return value


def _check_links(value: str) -> str:
    targets = _LINK_TARGET.findall(value) + _AUTOLINK.findall(value)
    for target in targets:
        if not _SAFE_URL.match(target):
            raise ValueError(f"link target '{target}' is not allowed: use an https:// URL or a site path")
    return value


def _check_plain(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line of text")
    if not value.strip():
        raise ValueError("must not be empty")
    if re.search(r"[<>`*_\[\]]|\{\{|\{%", value):
        raise ValueError("plain text may not contain Markdown or HTML characters (< > ` * _ [ ])")
    return value


def _check_inline(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line: inline Markdown has no paragraphs")
    if not value.strip():
        raise ValueError("must not be empty")
    return _check_links(_check_no_html(value))


def _check_markdown(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if _BLOCK_MARKUP.search(value):
        raise ValueError("headings, rules, code fences and block quotes are not allowed: "
                         "write paragraphs and lists; the page supplies the headings")
    return _check_links(_check_no_html(value))


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s<>\"']*)?$", value):
        raise ValueError(f"'{value}' is not an http(s) URL")
    return value


def _check_course_path(value: str) -> str:
    """A relative path inside the course folder: no absolute path, no '..', no unusual characters."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._/-]*", value) or ".." in value.split("/"):
        raise ValueError(f"'{value}' is not a path inside the course folder: write it relative, "
                         "with letters, digits, '.', '_', '-' and '/' (no '..')")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
PlainText = Annotated[str, AfterValidator(_check_plain)]
InlineMarkdown = Annotated[str, AfterValidator(_check_inline)]
MarkdownText = Annotated[str, AfterValidator(_check_markdown)]
Url = Annotated[str, AfterValidator(_check_url)]
CoursePath = Annotated[str, AfterValidator(_check_course_path)]
EditUri = Annotated[str, Field(pattern=r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/$")]
Category = Literal["concept", "framework", "level-scheme", "organisation", "practice",
                   "risk-domain", "safeguard", "technique", "policy", "capability"]
Relation = Literal["analogous", "broader", "narrower", "none"]
ElementKind = Literal["capability-thresholds", "weight-security", "deployment-mitigations", "halting",
                      "elicitation", "evaluation-frequency", "accountability", "updates"]
"""The common elements of frontier safety policies that the comparison matrix sets side by side."""
ELEMENT_TITLES: dict[str, str] = {
    "capability-thresholds": "Capability thresholds",
    "weight-security": "Model weight security",
    "deployment-mitigations": "Deployment mitigations",
    "halting": "Conditions for halting development or deployment",
    "elicitation": "Full capability elicitation",
    "evaluation-frequency": "Evaluation frequency",
    "accountability": "Accountability and external review",
    "updates": "How the policy is updated",
}
"""Each :data:`ElementKind`'s heading, in the order of the matrix (a test holds the two to the same kinds)."""
ReferenceKind = Literal["framework", "announcement", "paper", "report", "standard", "web", "system-card"]


class Strict(BaseModel):
    """Base model: unknown fields are errors, values are not coerced between types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Citation(Strict):
    """A reference cited by id, with an optional locator (section, page). ``"ref-id"`` is short for ``{ref: ref-id}``."""

    ref: Slug
    locator: PlainText | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"ref": value} if isinstance(value, str) else value


class LocatedCitation(Citation):
    """A citation that must say where in the source: a section, page or paragraph."""

    locator: PlainText


class SourcedDefinition(Strict):
    """One published definition of a term, quoted or closely paraphrased, with where it stands."""

    text: InlineMarkdown
    source: LocatedCitation


class DatedClaim(Strict):
    """A statement that can go stale: true as of a date, according to at least one source."""

    text: InlineMarkdown
    as_of: dt.date
    sources: list[Citation] = Field(min_length=1)
    framework: Slug | None = Field(None, description="The framework the claim describes, if any.")


class Term(Strict):
    """A glossary term: one file under data/terms/, named after its id."""

    id: Slug = Field(description="Permanent id and URL slug; never renamed without redirect_from.")
    title: PlainText
    abbreviation: PlainText | None = None
    aliases: list[PlainText] = Field(default_factory=list)
    summary: PlainText = Field(max_length=320, description="One or two sentences for previews and exports.")
    definition: MarkdownText | None = Field(None, description="The glossary's own definition.")
    definitions: list[SourcedDefinition] = Field(
        default_factory=list, description="Published definitions that differ materially, shown as numbered senses.")
    definitions_note: InlineMarkdown | None = Field(
        None, description="How the published definitions differ; required with definitions.")
    category: Category
    related: list[Slug] = Field(default_factory=list)
    broader: Slug | None = Field(None, description="The more general term this one is a kind of (a hierarchy).")
    framework: Slug | None = Field(None, description="The framework this term names, if any.")
    sources: list[Citation] = Field(default_factory=list)
    claims: list[DatedClaim] = Field(default_factory=list)
    reviewed: dt.date = Field(description="The date the entry was last checked against its sources.")
    redirect_from: list[Slug] = Field(default_factory=list, description="Former ids that must keep working.")


class FrameworkVersion(Strict):
    """A dated version of a framework as published by its author."""

    version: PlainText
    date: dt.date
    source: Citation
    changes: MarkdownText | None = Field(None, description="What this version changed.")


class Level(Strict):
    """One step of a framework's ordered scale."""

    id: Slug = Field(description="Anchor on the framework page, e.g. asl-3.")
    label: PlainText
    rank: int
    summary: PlainText
    description: MarkdownText
    examples: list[InlineMarkdown] = Field(default_factory=list)
    safeguards: list[InlineMarkdown] = Field(default_factory=list)
    introduced_in: PlainText | None = None
    retired_in: PlainText | None = None
    sources: list[Citation] = Field(min_length=1)


class Scale(Strict):
    """A framework's ordered scale of levels, lowest rank first."""

    name: PlainText
    plural: PlainText | None = Field(None, description="The name in the plural, where adding an 's' is wrong.")
    note: MarkdownText | None = None
    levels: list[Level] = Field(min_length=1)

    @property
    def plural_name(self) -> str:
        """The name in the plural, for headings and captions."""
        return self.plural or f"{self.name}s"


class Threshold(Strict):
    """A capability threshold: when it is crossed, the level it requires applies."""

    id: Slug
    domain: PlainText
    title: PlainText
    description: MarkdownText
    requires: Slug | None = Field(None, description="Id of the level of this framework's scale it requires.")
    introduced_in: PlainText
    retired_in: PlainText | None = None
    sources: list[Citation] = Field(min_length=1)


class ElementStatement(Strict):
    """What one version of a framework says about one common element, and where it says it."""

    element: ElementKind
    version: PlainText = Field(description="The framework version the statement describes.")
    text: InlineMarkdown
    source: LocatedCitation


class Framework(Strict):
    """A safety framework: one file under data/frameworks/, named after its id."""

    id: Slug
    title: PlainText
    short_title: PlainText
    publisher: PlainText
    summary: PlainText = Field(max_length=320)
    description: MarkdownText
    term: Slug | None = Field(None, description="The glossary term that describes this framework.")
    versions: list[FrameworkVersion] = Field(min_length=1)
    scale: Scale | None = None
    thresholds: list[Threshold] = Field(default_factory=list)
    claims: list[DatedClaim] = Field(default_factory=list)
    elements: list[ElementStatement] = Field(
        default_factory=list, description="The framework's stance on each common element, for the comparison matrix.")
    sources: list[Citation] = Field(min_length=1)
    reviewed: dt.date

    @property
    def version_names(self) -> list[str]:
        """The names of the versions, oldest first (the order of ``versions``)."""
        return [v.version for v in self.versions]

    @property
    def newest(self) -> FrameworkVersion:
        """The newest version: the last one listed."""
        return self.versions[-1]

    def in_force(self, item: Level | Threshold, version: str) -> bool:
        """Whether a level or threshold is in force in ``version``: introduced in it or an earlier version
        (no ``introduced_in``: from the first), and not retired in it or an earlier one. The order is the
        order of ``versions``; an unknown version name (a rule reports it) counts as never in force."""
        order = {name: i for i, name in enumerate(self.version_names)}
        if version not in order:
            return False
        start = order.get(item.introduced_in, len(order)) if item.introduced_in else 0
        stop = order.get(item.retired_in, -1) if item.retired_in else len(order)
        return start <= order[version] < stop

    def levels_in_force(self, version: str | None = None) -> list[Level]:
        """The levels of the scale in force in ``version`` (default: the newest), lowest rank first."""
        version = self.newest.version if version is None else version
        return [lv for lv in (self.scale.levels if self.scale else []) if self.in_force(lv, version)]

    def statements(self, element: str) -> list[tuple[int, ElementStatement]]:
        """(index in ``elements``, statement) of what the framework states about ``element``, newest version first."""
        order = {name: i for i, name in enumerate(self.version_names)}
        found = [(i, s) for i, s in enumerate(self.elements) if s.element == element]
        return sorted(found, key=lambda item: (-order.get(item[1].version, -1), item[0]))

    def thresholds_in_force(self, version: str | None = None) -> list[Threshold]:
        """The capability thresholds in force in ``version`` (default: the newest), in listed order."""
        version = self.newest.version if version is None else version
        return [t for t in self.thresholds if self.in_force(t, version)]


class Reference(Strict):
    """A bibliography entry that definitions and claims cite by id."""

    id: Slug
    title: PlainText
    publisher: PlainText
    authors: list[PlainText] = Field(default_factory=list)
    date: dt.date
    url: Url
    version: PlainText | None = None
    kind: ReferenceKind
    accessed: dt.date | None = None


class References(Strict):
    """data/references.yaml: the bibliography."""

    references: list[Reference] = Field(min_length=1)


class Section(Strict):
    """A section of a course chapter and the terms it introduces or discusses."""

    id: Slug
    title: PlainText
    url: Url | None = Field(None, description="Where the section's text is read, in the course (http or https).")
    introduces: list[Slug] = Field(default_factory=list)
    discusses: list[Slug] = Field(default_factory=list)


class Chapter(Strict):
    """A course chapter; its sections are in reading order."""

    id: Slug
    number: int = Field(ge=1)
    title: PlainText
    summary: PlainText | None = None
    url: Url | None = Field(None, description="Where the chapter's text is read, in the course (http or https).")
    source: CoursePath | None = Field(
        None, description="The chapter's source file or folder, relative to the course folder that "
                          "`python -m generator chapters scan DIR` reads (default: files named after the id).")
    sections: list[Section] = Field(min_length=1)


class Chapters(Strict):
    """data/chapters.yaml: the course chapters, in order."""

    chapters: list[Chapter] = Field(default_factory=list)


class Mapping(Strict):
    """How one level relates to a level of another framework, qualified and sourced."""

    source: str = Field(description="'framework-id/level-id'")
    target: str | None = Field(None, description="'framework-id/level-id', or none for no counterpart")
    relation: Relation
    source_version: PlainText = Field(description="The version of the source level's framework the mapping describes.")
    target_version: PlainText | None = Field(
        None, description="The version of the target level's framework; required with a target, none without.")
    note: InlineMarkdown
    sources: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _target_has_a_version(self) -> Mapping:
        """A target level names its framework's version; 'no counterpart' has neither."""
        if self.target is not None and self.target_version is None:
            raise ValueError("a mapping with a target needs target_version: the version of the target's framework")
        if self.target is None and self.target_version is not None:
            raise ValueError("target_version goes with a target: remove it, or name the target level")
        return self

    @field_validator("source", "target")
    @classmethod
    def _level_ref(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[a-z0-9-]+/[a-z0-9-]+$", value):
            raise ValueError(f"'{value}' is not a level reference: write 'framework-id/level-id'")
        return value


class Crosswalk(Strict):
    """data/crosswalk.yaml: correspondences between the frameworks' levels."""

    as_of: dt.date
    note: MarkdownText
    mappings: list[Mapping] = Field(min_length=1)


class Site(Strict):
    """data/site.yaml: the glossary's own metadata, used in citations and exports."""

    name: PlainText
    short_name: PlainText
    version: PlainText
    url: Url = Field(description="The public address; GLOSSARY_SITE_URL overrides it (the Pages workflow sets it).")
    description: PlainText
    publisher: PlainText
    license: PlainText
    repo_url: Url | None = Field(
        None, description="The repository that holds data/, for 'Edit this entry' links; GLOSSARY_REPO_URL overrides it.")
    edit_uri: EditUri = Field("edit/main/", description="Path from repo_url to the editor of a file, as MkDocs' edit_uri.")


RECORD_MODELS: dict[str, type[Strict]] = {
    "site": Site,
    "term": Term,
    "framework": Framework,
    "references": References,
    "chapters": Chapters,
    "crosswalk": Crosswalk,
}
