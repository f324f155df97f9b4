"""Post-build steps: what runs on a freshly built site before it replaces the old one.

A step is any object with a ``name`` and a ``run(glossary, site_dir)`` that adds or rewrites
files inside ``site_dir`` only. :data:`generator.build.pipeline.POST_BUILD_STEPS` lists them,
in order, as imported objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class PostBuildStep(Protocol):
    """A step over a built site: it reads the checked glossary and writes only inside ``site_dir``."""

    @property
    def name(self) -> str: ...

    def run(self, glossary: Any, site_dir: Path) -> object: ...


@dataclass(frozen=True)
class Step:
    """A post-build step made of a name and a function."""

    name: str
    func: Callable[[Any, Path], object]

    def run(self, glossary: Any, site_dir: Path) -> object:
        """Run the step over ``site_dir``."""
        return self.func(glossary, site_dir)
