"""Run every benchmark and print its table."""

from bench import hq_ingest, journal, startup, sync_link

journal.run()
startup.run()
sync_link.run()
hq_ingest.run()
