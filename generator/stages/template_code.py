"""Templates compiled in two halves: the Python code Jinja generates from a template (lexing, parsing and code
generation, four fifths of compiling it) in one process, Python's ``compile`` of that code in another.

A build forks a worker that generates the code of every generator template while its own process loads the
data, with the other core idle (:func:`generated_code`); the renderer's environments then get that code as an
in-memory bytecode cache (:class:`GeneratedCode`, Jinja's documented hook), so compiling a template there is
only Python's ``compile``. The code is keyed as Jinja keys its bytecode cache (template name and file) and
carries the checksum of the source it was generated from: a template whose source changed in between is
compiled as usual. Code is only ever passed between the build's own processes: nothing is written to or read
from disk.
"""

from __future__ import annotations

from collections.abc import Iterable

import jinja2
from jinja2.bccache import Bucket

Code = dict[str, tuple[str, str, str]]
"""Jinja's cache key of a template -> (checksum of its source, its file name, the Python code Jinja generated)."""


def generated_code(env: jinja2.Environment, names: Iterable[str]) -> Code:
    """The Python code ``env`` generates for the templates ``names`` (what ``env.compile(raw=True)`` returns)."""
    keys = GeneratedCode({})
    code: Code = {}
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        code[keys.get_cache_key(name, filename)] = (keys.get_source_checksum(source), filename or "<template>",
                                                    env.compile(source, name, filename, raw=True))
    return code


class GeneratedCode(jinja2.BytecodeCache):
    """A bytecode cache that compiles the code :func:`generated_code` gave, for the templates whose source is
    still the one it was generated from. It must be given to an environment made as the one that generated the
    code (the same settings, filters and tests: Jinja's compiler calls filters on constants)."""

    def __init__(self, code: Code):
        self.code = code

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, filename, python = self.code.get(bucket.key) or (None, "", "")
        if checksum == bucket.checksum:
            bucket.code = compile(python, filename, "exec")

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Nothing is kept: the environment keeps the templates it compiled."""
