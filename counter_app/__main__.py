"""`python -m counter_app` runs the same command line as the `counter-app` script."""

from counter_app.cli import main

raise SystemExit(main())
