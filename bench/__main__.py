"""Run every benchmark and print its table."""

from bench import journal, startup

journal.run()
startup.run()
