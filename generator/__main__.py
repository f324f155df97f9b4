"""``python -m generator``: the command line (see :mod:`generator.commands.main`)."""

import sys

try:  # an interrupt while the modules load (the first few milliseconds) is still an interrupt, not a traceback
    from .commands.main import main

    code = main()
except KeyboardInterrupt:
    print("interrupted; the previous site is unchanged", file=sys.stderr)
    code = 130
sys.exit(code)
