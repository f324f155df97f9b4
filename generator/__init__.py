"""The frontier-AI safety glossary generator: YAML data -> validated -> linked -> Markdown -> MkDocs site.

The public surface is what this module exports; everything else is internal and may change.
"""

from .build.pipeline import build_site, generate
from .findings import Finding, GlossaryError
from .stages.check import check

__all__ = ["Finding", "GlossaryError", "build_site", "check", "generate"]
__version__ = "0.1.0"
