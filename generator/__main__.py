"""``python -m generator``: the command line (see :mod:`generator.commands.main`)."""

import sys

from .commands.main import main

sys.exit(main())
