"""``python -m factcheck``: the same command line as ``factcheck``."""

import sys

from .cli import main

sys.exit(main())
