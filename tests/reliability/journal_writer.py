"""A window issuing tickets as fast as it can, for the crash test to kill.

    python -m tests.reliability.journal_writer PROFILE

Opens the demo workstation through the real services and issues tickets forever. After
each commit it prints "ACK <seq>" (from the JournalAppended event, which the services
publish only after the commit), so every acknowledged number is one the store promised
to keep. "READY" is printed once the store is open.
"""

from __future__ import annotations

import sys
from pathlib import Path

from counter_app.services.demo import open_demo_workstation
from counter_app.services.events import Event, JournalAppended
from counter_app.services.profile import Profile


def main() -> None:
    ctx = open_demo_workstation(Profile(Path(sys.argv[1])), log_to_file=False)

    def acknowledge(event: Event) -> None:
        if isinstance(event, JournalAppended):
            sys.stdout.write(f"ACK {event.seq}\n")
            sys.stdout.flush()

    ctx.bus.subscribe(acknowledge)
    print("READY", flush=True)
    groups = [code for code, *_ in ctx.queue.groups()]
    n = 0
    while True:  # every group in turn: a group's numbers stop at 9,999 a day
        ctx.queue.issue_ticket(groups[n % len(groups)], kiosk=True)
        n += 1


if __name__ == "__main__":
    main()
