"""The built program's one entry point: `counter-app` and `hq-server` are the same program
under two names (one analysis, one set of libraries), and the name says which to run."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path


def main() -> int:
    multiprocessing.freeze_support()  # `hq-server serve --workers N` starts processes
    name = Path(sys.argv[0]).stem.lower()
    if name.startswith("hq-server"):
        from hq.cli import main as hq_main  # noqa: PLC0415 (the window never loads HQ)

        return hq_main()
    from counter_app.cli import main as counter_main  # noqa: PLC0415

    return counter_main()


if __name__ == "__main__":
    sys.exit(main())
