"""``python -m iedsl``: the same as the ``iedsl`` command."""

import sys

from .cli import main

sys.exit(main())
