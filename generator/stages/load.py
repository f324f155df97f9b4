"""Stage 1, load: read YAML data files into plain Python values with a mark for every value.

Rules this stage enforces, whatever the file says:

* text is UTF-8 without a byte-order mark, at most :data:`MAX_FILE_BYTES` long;
* a file holds one YAML document whose root is a mapping;
* no duplicate keys in any mapping (merge keys ``<<`` are expanded, explicit keys win);
* only plain mappings, lists and scalars: any explicit tag (``!!python/object`` ...) is
  refused and never constructed;
* YAML 1.1 surprises are refused instead of guessed: ``yes``/``no``/``on``/``off`` as
  booleans, octal and hexadecimal integers, base-60 numbers;
* dates must exist (``2025-02-30`` is an error);
* nesting depth and the number of values (alias expansion) are bounded.

Parsing uses libyaml through ``CSafeLoader`` where PyYAML was built with it, and the pure
Python ``SafeLoader`` otherwise.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..findings import LOAD, Finding, coded

try:  # libyaml is the fast path; the pure-Python loader is the fallback only.
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 24
MAX_VALUES = 200_000
MAX_FLOW_NESTING = 64
MAX_DIGITS = 30

Loc = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"
_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_TIMESTAMP = SafeConstructor()  # used only for its scalar constructors (timestamps, floats)


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    col: int


@dataclass
class Document:
    """One loaded file: its values, its text, and where each value (and each key) stands in the text.

    The marks are worked out when first asked for, by composing the text again: only a finding needs one,
    so a build of good data never pays for them, and a document sent between processes is its values and
    its text."""

    path: str
    data: Any
    text: str = field(default="", repr=False)
    _located: tuple[dict[Loc, Mark], dict[Loc, Mark]] | None = field(default=None, repr=False, compare=False)

    @property
    def marks(self) -> dict[Loc, Mark]:
        """Where each value starts, by location."""
        return self._marks()[0]

    @property
    def key_marks(self) -> dict[Loc, Mark]:
        """Where each mapping key starts, by the location of its value."""
        return self._marks()[1]

    @property
    def lines(self) -> list[str]:
        """The text's lines."""
        return self.text.splitlines()

    def _marks(self) -> tuple[dict[Loc, Mark], dict[Loc, Mark]]:
        if self._located is None:
            converter = _Converter(self.path, marking=True)
            converter.convert(yaml.compose(self.text, Loader=YamlLoader), ())  # parsed cleanly before: parses again
            self._located = converter.marks, converter.key_marks
        return self._located

    def mark(self, loc: Loc, key: bool = False) -> Mark:
        """The mark of the value at ``loc`` (or of its key), else of its nearest ancestor."""
        table = self.key_marks if key else self.marks
        for end in range(len(loc), -1, -1):
            found = table.get(tuple(loc[:end])) or (self.marks.get(tuple(loc[:end])) if key else None)
            if found:
                return found
        return Mark(1, 1)

    def find_text(self, loc: Loc, needle: str) -> Mark:
        """Where ``needle`` first appears in the source at or after the value at ``loc``
        (for a place inside a multi-line text); the value's own mark if it is not found."""
        start, lines = self.mark(loc), self.lines
        for number in range(start.line, len(lines) + 1):
            line = lines[number - 1]
            col = line.find(needle, start.col - 1 if number == start.line else 0)
            if col >= 0:
                return Mark(number, col + 1)
        return start

    def finding(self, loc: Loc, message: str, hint: str = "", key: bool = False, code: str = "") -> Finding:
        """A finding placed at the value (or key) at ``loc``."""
        mark = self.mark(loc, key)
        return Finding(self.path, mark.line, mark.col, message, hint, code)


class _Converter:
    """Turns a composed YAML node tree into Python values, recording findings and, ``marking``, marks."""

    def __init__(self, path: str, marking: bool = False):
        self.path, self.marking = path, marking
        self.marks: dict[Loc, Mark] = {}
        self.key_marks: dict[Loc, Mark] = {}
        self.findings: list[Finding] = []
        self.count = 0

    def error(self, node: Node, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.findings.append(Finding(self.path, mark.line + 1, mark.column + 1, message, hint))

    def convert(self, node: Node, loc: Loc, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge(node, f"more than {MAX_VALUES} values (alias expansion?)")
        if depth > MAX_DEPTH:
            raise _TooLarge(node, f"nested deeper than {MAX_DEPTH} levels")
        if self.marking:
            self.marks[loc] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, MappingNode):
            return self.convert_mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self.error(node, f"tag '{node.tag}' is not allowed", "data files hold plain lists")
            return [self.convert(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self.convert_scalar(node)

    def merged_pairs(self, node: MappingNode, inside: frozenset[int] = frozenset()) -> list[tuple[Node, Node, bool]]:
        """Key/value pairs with ``<<`` merges expanded; the flag says the pair was explicit. Every merged pair
        counts towards :data:`MAX_VALUES` (nested merges multiply), and a merge of a mapping into itself is refused."""
        pairs: list[tuple[Node, Node, bool]] = []
        merged: list[tuple[Node, Node, bool]] = []
        inside = inside | {id(node)}
        for key, value in node.value:
            if key.tag == _TAG + "merge":
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        self.error(source, "a merge key '<<' needs a mapping or a list of mappings")
                        continue
                    if id(source) in inside:
                        raise _TooLarge(key, "a merge key '<<' merges a mapping into itself")
                    if len(inside) > MAX_DEPTH:
                        raise _TooLarge(key, f"merge keys nested deeper than {MAX_DEPTH} levels")
                    found = self.merged_pairs(source, inside)
                    self.count += len(found)
                    if self.count > MAX_VALUES:
                        raise _TooLarge(key, f"more than {MAX_VALUES} values (merge keys or aliases expanded)")
                    merged.extend((k, v, False) for k, v, _ in found)
            else:
                pairs.append((key, value, True))
        return merged + pairs

    def convert_mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        if node.tag != _TAG + "map":
            self.error(node, f"tag '{node.tag}' is not allowed", "data files hold plain mappings")
        result: dict[str, Any] = {}
        explicit: dict[str, Node] = {}
        for key_node, value_node, is_explicit in self.merged_pairs(node):
            if not isinstance(key_node, ScalarNode) or key_node.tag != _TAG + "str":
                self.error(key_node, "a key must be plain text", "quote the key")
                continue
            key = key_node.value
            if is_explicit and key in explicit:
                first = explicit[key].start_mark
                self.error(key_node, f"duplicate key '{key}'",
                           f"first defined at line {first.line + 1}; keep one of them")
                continue
            if is_explicit:
                explicit[key] = key_node
            if self.marking:
                self.key_marks[(*loc, key)] = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, (*loc, key), depth + 1)
        return result

    def convert_scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        plain = not node.style  # libyaml gives "" and the Python parser None for plain scalars
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "null" and plain:
            return None
        if tag == _TAG + "bool" and plain:
            if text in ("true", "false"):
                return text == "true"
            self.error(node, f"'{text}' would be read as a YAML 1.1 boolean",
                       f'write "{text}" in quotes for text, or true/false')
            return text
        if tag == _TAG + "int" and plain:
            if _DECIMAL_INT.match(text) and len(text) > MAX_DIGITS:
                self.error(node, f"a number of {len(text)} digits is too long (at most {MAX_DIGITS})",
                           "write it in quotes if it is text")
                return text
            if _DECIMAL_INT.match(text):
                return int(text.replace("_", ""))
            self.error(node, f"'{text}' would be read as a non-decimal (octal, hex or base-60) number",
                       f'write "{text}" in quotes for text, or a plain decimal number')
            return text
        if tag == _TAG + "float" and plain:
            if ":" in text:
                self.error(node, f"'{text}' would be read as a base-60 number",
                           f'write "{text}" in quotes')
                return text
            return _TIMESTAMP.construct_yaml_float(node)
        if tag == _TAG + "timestamp" and plain:
            try:
                return _TIMESTAMP.construct_yaml_timestamp(node)
            except (ValueError, ConstructorError):
                self.error(node, f"'{text}' is not a real date", "use an existing date as YYYY-MM-DD")
                return text
        self.error(node, f"tag '{tag}' is not allowed",
                   "data files hold plain text, numbers, dates, lists and mappings")
        return None


class _TooLarge(Exception):
    def __init__(self, node: Node, what: str):
        self.node, self.what = node, what


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text without a byte-order mark, or a finding at the first offending byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Finding(path, 1, 1, "file starts with a byte-order mark",
                              "save the file as UTF-8 without BOM")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Finding(path, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                              "save the file as UTF-8")]


_BRACKET = re.compile(r"[\[\]{}]")


def _flow_nesting_too_deep(text: str) -> int:
    """Offset where ``[``/``{`` nesting exceeds the limit (a cheap guard before parsing), or -1."""
    if text.count("[") + text.count("{") <= MAX_FLOW_NESTING:  # too few to nest that deep (most files)
        return -1
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_NESTING:
                return match.start()
        else:
            depth = max(0, depth - 1)
    return -1


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, path: str) -> Finding:
    """A YAML syntax error placed where the reader can fix it: an unterminated construct is
    reported where it starts, anything else where the parser stopped."""
    problem = exc.problem or exc.context or "invalid YAML"
    unterminated = "end of stream" in problem and exc.context_mark is not None
    mark = exc.context_mark if unterminated else (exc.problem_mark or exc.context_mark)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"YAML syntax error: {exc.context}, {problem}" if unterminated else f"YAML syntax error: {problem}"
    lines = text.splitlines()
    bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in bad_line:
        hint = "indent with spaces, not tabs"
    elif unterminated:
        hint = "close the quote or bracket that starts here"
    else:
        hint = "check the indentation and quoting"
    return Finding(path, line, col, message, hint)


def parse_text(text: str, path: str) -> tuple[Document | None, list[Finding]]:
    """Parse one YAML document from ``text``; never raises for bad input (findings coded LOAD)."""
    doc, findings = _parse_text(text, path)
    return doc, coded(findings, LOAD)


def _parse_text(text: str, path: str) -> tuple[Document | None, list[Finding]]:
    deep = _flow_nesting_too_deep(text) if ("[" in text or "{" in text) else -1
    if deep >= 0:
        line, col = _position(text, deep)
        return None, [Finding(path, line, col, f"nested deeper than {MAX_FLOW_NESTING} levels",
                              "flatten the data")]
    try:
        node = yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_finding(exc, text, path)]
    except yaml.YAMLError as exc:
        return None, [Finding(path, 1, 1, f"YAML error: {exc}", "check the file's syntax")]
    except RecursionError:
        return None, [Finding(path, 1, 1, "nested too deeply to parse", "flatten the data")]
    if node is None:
        return None, [Finding(path, 1, 1, "file holds no data", "add the record's fields or delete the file")]
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        return None, [Finding(path, node.start_mark.line + 1, node.start_mark.column + 1,
                              f"the file holds {kind}, not a mapping", "write 'field: value' lines at the top level")]
    converter = _Converter(path)
    try:
        data = converter.convert(node, ())
    except _TooLarge as exc:
        mark = exc.node.start_mark
        return None, [Finding(path, mark.line + 1, mark.column + 1, f"document is too large: {exc.what}",
                              "split or simplify the data")]
    return (None if converter.findings else Document(path, data, text)), converter.findings


def scalars(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every scalar of loaded data (what :class:`Document` holds), with its location."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from scalars(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from scalars(item, (*loc, i))
    else:
        yield loc, value


def file_type_problem(file: Path, root: Path, folder_inside: Callable[[Path], bool] | None = None) -> str | None:
    """Why ``file`` is not a data file the build may read, or None: it must be a regular file (not a
    directory, FIFO, socket or device) and, with symbolic links resolved, lie inside the project ``root``.
    ``folder_inside(folder)`` may answer whether a folder resolves inside ``root``, once for all its files:
    a file that is not itself a link is inside when its folder is."""
    try:
        mode = file.lstat().st_mode
        if stat.S_ISLNK(mode) or folder_inside is None:
            mode = file.stat().st_mode
            inside = file.resolve().is_relative_to(root.resolve())
        else:
            inside = folder_inside(file.parent)
    except (OSError, RuntimeError) as exc:
        return f"cannot read file: {getattr(exc, 'strerror', None) or exc}"
    if not inside:
        return "is a symbolic link to a file outside the project: data files must live in the project"
    if stat.S_ISDIR(mode):
        return "is a directory, not a data file"
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
        return f"is {kind}, not a regular file"
    return None


def load_file(file: Path, display: str, root: Path | None = None,
              folder_inside: Callable[[Path], bool] | None = None) -> tuple[Document | None, list[Finding]]:
    """Load one data file; ``display`` is the path printed in findings (coded LOAD). With ``root``, a file
    that :func:`file_type_problem` refuses is reported instead of read (a FIFO would block the build);
    ``folder_inside`` (:func:`generator.project.folders_inside`) saves resolving every file's folder again."""
    problem = file_type_problem(file, root, folder_inside) if root is not None else None
    if problem:
        return None, coded([Finding(display, 1, 1, f"file {problem}", "replace it by a regular YAML file")], LOAD)
    doc, findings = _load_file(file, display)
    return doc, coded(findings, LOAD)


def _load_file(file: Path, display: str) -> tuple[Document | None, list[Finding]]:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Finding(display, 1, 1, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}",
                                  "split the data into smaller files")]
        raw = file.read_bytes()
    except OSError as exc:
        return None, [Finding(display, 1, 1, f"cannot read file: {exc.strerror}", "check the path and permissions")]
    text, findings = _decode(raw, display)
    if text is None:
        return None, findings
    return parse_text(text, display)
