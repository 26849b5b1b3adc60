"""Run every benchmark and print its table."""

from bench import hq_ingest, journal, printing, startup, sync_link

journal.run()
startup.run()
sync_link.run()
printing.run()
hq_ingest.run()
