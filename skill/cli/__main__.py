"""`python -m skill.cli`: the same as the `steady` command."""

import sys

from skill.cli import main

sys.exit(main())
