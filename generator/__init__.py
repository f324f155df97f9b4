"""The frontier-AI safety glossary generator: YAML data -> validated -> linked -> Markdown -> MkDocs site.

The public surface is what this module exports; everything else is internal and may change.
"""

import sys

try:
    from .workers import interrupts_deferred

    # Held back while the libraries load: pydantic turns an interrupt inside its own set-up into a
    # SchemaError. Delivered when the imports are done, it is a KeyboardInterrupt, answered below.
    with interrupts_deferred():
        from .build.pipeline import build_site, generate
        from .findings import Finding, GlossaryError
        from .stages.check import check
except KeyboardInterrupt:  # Ctrl-C while `python -m generator` loads (argv[0] is "-m" until then): no traceback
    if sys.argv[:1] != ["-m"]:
        raise
    sys.stderr.write("interrupted; the previous site is unchanged\n")
    raise SystemExit(130) from None

__all__ = ["Finding", "GlossaryError", "build_site", "check", "generate"]
__version__ = "0.1.0"
