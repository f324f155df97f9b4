"""The frontier-AI safety glossary generator: YAML data -> validated -> linked -> Markdown -> MkDocs site.

The public surface is what this module exports; everything else is internal and may change.
"""

from .findings import Finding, GlossaryError
from .pipeline import build_site, generate, run_check

__all__ = ["Finding", "GlossaryError", "build_site", "generate", "run_check"]
__version__ = "0.1.0"
