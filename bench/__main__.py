"""Run every benchmark and print its table."""

import logging

from bench import (
    day_close,
    hq_ingest,
    journal,
    journey,
    printing,
    queue,
    requests,
    restore,
    startup,
    sync_link,
    window_day,
)

logging.basicConfig(level=logging.WARNING)  # tables only: no library chatter

journal.run()
startup.run()
window_day.run()
journey.run()
requests.run()
queue.run()
sync_link.run()
printing.run()
hq_ingest.run()
day_close.run()
restore.run()
