"""``python -m generator``: the command line (see :mod:`generator.commands.main`)."""

import contextlib
import os
import sys

try:  # an interrupt while the modules load (the first few milliseconds) is still an interrupt, not a traceback
    from .commands.main import main

    code = main()
except KeyboardInterrupt:
    print("interrupted; the previous site is unchanged", file=sys.stderr)
    code = 130
# Every file and worker is closed by now. Leaving without tearing down the interpreter skips freeing a
# large build's objects one by one (about a second at 5,000 terms); only the output streams need flushing.
for stream in (sys.stdout, sys.stderr):
    with contextlib.suppress(OSError):  # a closed pipe (``| head``): what was not read is not needed
        stream.flush()
os._exit(code if isinstance(code, int) else 1)
