"""``python -m devsim_tui`` is ``devsim``."""

from devsim_tui.cli import main

raise SystemExit(main())
