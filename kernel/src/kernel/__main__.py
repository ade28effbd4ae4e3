"""``python -m kernel``: see kernel/_cli.py."""

import sys

from kernel._cli import main

sys.exit(main())
