"""The office queue's rules: ticket states, who is called next, and the figures.

A ticket keeps five times (appointment if any, arrival, call, start, end) and its status;
every figure is derived from those, never stored beside them.

**Who is called next.** Each waiting ticket has a score: the minutes it has waited, plus a
head start of `priority_minutes` (15 by default) for the elderly, the disabled and the
pregnant, plus the same head start for a ticket that kept an appointment (from the
appointment time on). The window calls the highest score among the tickets of its queue
groups (and those transferred to it by name); equal scores go to the earlier arrival. So
a priority ticket counts as if it had arrived `priority_minutes` earlier: it passes at
most the people who arrived in the quarter-hour before it, and an ordinary ticket is
passed only by priority tickets that arrived less than a quarter-hour after it. Nobody
waits for ever: once an ordinary ticket has waited `priority_minutes`, no newcomer
passes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from counter_app.domain.errors import InputError

STATUSES = (
    "waiting",
    "called",
    "serving",
    "parked",
    "served",
    "no_show",
    "cancelled",
    "transferred",
)
OPEN = ("waiting", "called", "serving", "parked")
AT_WINDOW = ("called", "serving")
FINAL = ("served", "no_show", "cancelled", "transferred")
CATEGORIES = ("normal", "elderly", "disabled", "pregnant")
OUTCOMES = ("done", "referred", "incomplete")
PRIORITY_MINUTES = 15
MAX_NUMBER = 9_999  # a group's tickets in one business day at the office's queue
LOCAL_BLOCK = 10_000  # a window working without the queue host numbers from window x 10,000

STATUS_NAMES = {
    "waiting": ("ينتظر", "waiting"),
    "called": ("منادى عليه", "called"),
    "serving": ("قيد الخدمة", "being served"),
    "parked": ("معلّق", "parked"),
    "served": ("تمت خدمته", "served"),
    "no_show": ("لم يحضر", "no-show"),
    "cancelled": ("ملغى", "cancelled"),
    "transferred": ("محوّل", "transferred"),
}
CATEGORY_NAMES = {
    "normal": ("عادي", "normal"),
    "elderly": ("كبار السن", "elderly"),
    "disabled": ("ذوو الهمم", "disabled"),
    "pregnant": ("حامل", "pregnant"),
}

# What each counter action needs the ticket to be, and what it makes it.
_ACTIONS = {
    "call": (("waiting",), "called"),
    "recall": (("called", "serving"), None),
    "start": (("called",), "serving"),
    "park": (("called", "serving"), "parked"),
    "resume": (("parked",), "serving"),
    "no_show": (("called", "serving"), "no_show"),  # or walked away before the end
    "finish": (("called", "serving"), "served"),
    "transfer": (("called", "serving", "parked"), "transferred"),
    "cancel": (("waiting",), "cancelled"),
    "reopen": (("served", "no_show"), "serving"),  # undo, moments after
}


@dataclass(frozen=True)
class Ticket:
    """One queue ticket as the office's queue keeps it. Times are UTC."""

    label: str  # unique in the office's business day: group code and number, "T-17"
    group: str
    number: int
    arrived: datetime
    status: str = "waiting"
    category: str = "normal"
    appointment: datetime | None = None
    called: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None
    window: int | None = None  # the window that called it (or that it was sent to)
    clerk: str = ""
    transferred_from: str = ""  # the label of the ticket this one continues
    for_window: int | None = None  # transferred to one window by name
    outcome: str = ""
    rating: int | None = None

    def score(self, now: datetime, priority_minutes: int = PRIORITY_MINUTES) -> float:
        """Minutes waited plus the head start (see the module's rule)."""
        minutes = (now - self.arrived).total_seconds() / 60
        if self.category != "normal":
            minutes += priority_minutes
        if self.appointment is not None and now >= self.appointment:
            minutes += priority_minutes
        return minutes


def ticket_label(group: str, number: int) -> str:
    return f"{group}-{number}"


def check_number(number: int) -> None:
    if number > MAX_NUMBER:
        raise InputError(
            "queue",
            f"بلغت أرقام هذه المجموعة الحد اليومي ({MAX_NUMBER})",
            f"This group has reached its daily limit of {MAX_NUMBER} tickets",
        )


def local_number(window: int, serial: int) -> int:
    """A window working without the queue host numbers its own tickets from window x 10,000
    (window 2: 20001, 20002 ...), so they never meet the host's numbers (1 to 9,999)."""
    if serial >= LOCAL_BLOCK:
        raise InputError(
            "queue",
            "بلغت تذاكر الشباك المحلية الحد اليومي",
            "This window's own tickets have reached their daily limit",
        )
    return window * LOCAL_BLOCK + serial


def check_action(ticket: Ticket, action: str) -> str | None:
    """The status `action` leads to; refuse in words when the ticket is not ready for it."""
    allowed, target = _ACTIONS[action]
    if ticket.status not in allowed:
        ar, en = STATUS_NAMES[ticket.status]
        raise InputError(
            "ticket",
            f"لا يمكن تنفيذ هذا الإجراء على التذكرة {ticket.label}: حالتها «{ar}»",
            f"Ticket {ticket.label} cannot take this action: it is {en}",
        )
    return target


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise InputError(
            "category", f"فئة أولوية غير معروفة: {category}", f"Unknown priority: {category}"
        )
    return category


def check_rating(rating: int) -> int:
    if not 1 <= rating <= 5:
        raise InputError("rating", "التقييم من ١ إلى ٥", "A rating is a whole number from 1 to 5")
    return rating


def next_ticket(
    waiting: Iterable[Ticket],
    groups: Sequence[str],
    window: int,
    now: datetime,
    priority_minutes: int = PRIORITY_MINUTES,
) -> Ticket | None:
    """The ticket this window calls next: its groups' tickets (every group's when it
    names none) and those sent to it by name, highest score first, then the earlier
    arrival, then the order of issue."""
    candidates = [
        t
        for t in waiting
        if t.status == "waiting"
        and (t.for_window == window or (t.for_window is None and (not groups or t.group in groups)))
    ]
    if not candidates:
        return None
    # min() keeps the first of equals: `waiting` comes in the order the tickets were issued.
    return min(candidates, key=lambda t: (-t.score(now, priority_minutes), t.arrived))


def transferred_copy(
    ticket: Ticket, group: str, for_window: int | None, label: str, number: int
) -> Ticket:
    """The ticket that continues `ticket` in another group or at another window: it keeps
    its arrival and category (so its place by age), and names the one it continues."""
    return Ticket(
        label=label,
        group=group,
        number=number,
        arrived=ticket.arrived,
        category=ticket.category,
        appointment=ticket.appointment,
        transferred_from=ticket.label,
        for_window=for_window,
    )


def estimated_wait_minutes(ahead: int, service_minutes: Sequence[float], windows: int) -> int:
    """A kiosk's estimate: the people ahead times the median service time of the day so
    far (5 minutes before any), shared among the windows serving the group."""
    median = percentile(service_minutes, 50) if service_minutes else 5.0
    return math.ceil(ahead * median / max(1, windows))


# ---- figures ----------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the value below which `pct` per cent of them lie)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class QueueFigures:
    """What a supervisor reads about a group, a window, a clerk or the office."""

    issued: int
    served: int
    no_show: int
    abandoned: int  # cancelled, or still waiting when the day's figures were taken
    transferred: int
    wait_median_min: float
    wait_p90_min: float
    service_median_min: float
    service_p90_min: float
    within_target: float  # share of called tickets called within the target wait
    no_show_rate: float
    rating_count: int
    rating_mean: float

    def as_dict(self) -> dict[str, float | int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def service_minutes(ticket: Ticket) -> float | None:
    """How long a served ticket was served (from its start, or its call)."""
    if ticket.status != "served":
        return None
    return _minutes(ticket.started or ticket.called, ticket.ended)


def figures(tickets: Iterable[Ticket], target_wait_min: float) -> QueueFigures:
    """Figures over tickets. A transferred ticket counts once: its wait is counted where it
    was first called, its service where it ended."""
    items = list(tickets)
    waits = [
        w
        for t in items
        if not t.transferred_from and (w := _minutes(t.arrived, t.called)) is not None
    ]
    services = [s for t in items if (s := service_minutes(t)) is not None]
    called = [t for t in items if t.called is not None]
    ended_at_call = [t for t in called if t.status in ("served", "no_show")]
    no_show = sum(t.status == "no_show" for t in items)
    ratings = [t.rating for t in items if t.rating is not None]
    return QueueFigures(
        issued=sum(not t.transferred_from for t in items),
        served=sum(t.status == "served" for t in items),
        no_show=no_show,
        abandoned=sum(t.status in ("cancelled", "waiting") for t in items),
        transferred=sum(t.status == "transferred" for t in items),
        wait_median_min=round(percentile(waits, 50), 1),
        wait_p90_min=round(percentile(waits, 90), 1),
        service_median_min=round(percentile(services, 50), 1),
        service_p90_min=round(percentile(services, 90), 1),
        within_target=round(sum(w <= target_wait_min for w in waits) / len(waits), 3)
        if waits
        else 0.0,
        no_show_rate=round(no_show / len(ended_at_call), 3) if ended_at_call else 0.0,
        rating_count=len(ratings),
        rating_mean=round(sum(ratings) / len(ratings), 2) if ratings else 0.0,
    )


def figures_by(
    tickets: Iterable[Ticket], key: str, target_wait_min: float
) -> dict[str, QueueFigures]:
    """Figures per group, window or clerk (`key` is the ticket's attribute)."""
    buckets: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        value = getattr(ticket, key)
        if value in (None, ""):
            continue
        buckets.setdefault(str(value), []).append(ticket)
    return {k: figures(v, target_wait_min) for k, v in sorted(buckets.items())}


def with_status(ticket: Ticket, status: str, **changes: object) -> Ticket:
    return replace(ticket, status=status, **changes)  # type: ignore[arg-type]


# ---- the tickets as the journal tells them --------------------------------------------


@dataclass(frozen=True)
class TicketEvent:
    """One `ticket.*` journal entry, as HQ (or an auditor) reads it."""

    entry_type: str
    payload: dict[str, object]
    clerk: str
    at: datetime  # the entry's time


def _moment(event: TicketEvent) -> datetime:
    # An action handed over after the queue host was away carries when it really happened.
    at = event.payload.get("at")
    return datetime.fromisoformat(at) if isinstance(at, str) else event.at


def replay(events: Iterable[TicketEvent]) -> list[Ticket]:
    """The day's tickets rebuilt from their journal entries, in order of issue. A window's
    own ticket handed to the host ("ticket.merged") is counted from the window's entries,
    and an action kept while the host was away ("ticket.deferred") from the host's."""
    tickets: dict[str, Ticket] = {}
    for event in events:
        p = event.payload
        label = str(p.get("label", ""))
        kind = event.entry_type.removeprefix("ticket.")
        when = _moment(event)
        if kind == "issued":
            appointment = p.get("appointment")
            tickets[label] = Ticket(
                label=label,
                group=str(p["group"]),
                number=int(str(p["number"])),
                arrived=when,
                category=str(p.get("category", "normal")),
                appointment=datetime.fromisoformat(appointment)
                if isinstance(appointment, str)
                else None,
            )
            continue
        ticket = tickets.get(label)
        if ticket is None:
            continue  # merged, deferred, or an entry of a ticket issued before the day
        window = int(str(p["window"])) if p.get("window") is not None else ticket.window
        if kind == "called":
            ticket = replace(
                ticket,
                status="called",
                called=ticket.called or when,
                clerk=event.clerk,
                window=window,
            )
        elif kind in ("started", "resumed"):
            ticket = replace(ticket, status="serving", started=ticket.started or when)
        elif kind == "parked":
            ticket = replace(ticket, status="parked")
        elif kind == "served":
            ticket = replace(
                ticket,
                status="served",
                ended=when,
                outcome=str(p.get("outcome", "done")),
                clerk=event.clerk,
            )
        elif kind in ("no_show", "cancelled"):
            ticket = replace(ticket, status=kind, ended=when)
        elif kind == "reopened":
            ticket = replace(ticket, status="serving", ended=None, outcome="")
        elif kind == "rated":
            ticket = replace(ticket, rating=int(str(p["rating"])))
        elif kind == "transferred":
            ticket = replace(ticket, status="transferred", ended=when, clerk=event.clerk)
            to = str(p["to"])
            for_window = p.get("for_window")
            tickets[to] = replace(
                transferred_copy(
                    ticket,
                    str(p.get("group") or ticket.group),
                    int(str(for_window)) if for_window is not None else None,
                    to,
                    ticket.number,
                ),
                transferred_from=label,
            )
        tickets[label] = ticket
    return list(tickets.values())


def figures_report(tickets: Sequence[Ticket], target_wait_min: float) -> dict[str, Any]:
    """The office's figures and those per group, window and clerk, as plain values."""

    def plain(table: dict[str, QueueFigures]) -> dict[str, dict[str, float | int]]:
        return {key: value.as_dict() for key, value in table.items()}

    return {
        "office": figures(tickets, target_wait_min).as_dict(),
        "group": plain(figures_by(tickets, "group", target_wait_min)),
        "window": plain(figures_by(tickets, "window", target_wait_min)),
        "clerk": plain(figures_by(tickets, "clerk", target_wait_min)),
        "tickets": len(tickets),
        "target_wait_min": target_wait_min,
    }


_COLUMNS = (
    ("issued", "issued"),
    ("served", "served"),
    ("no_show", "no-show"),
    ("abandoned", "left"),
    ("wait_median_min", "wait p50"),
    ("wait_p90_min", "wait p90"),
    ("service_median_min", "serve p50"),
    ("service_p90_min", "serve p90"),
    ("within_target", "in target"),
    ("rating_mean", "rating"),
)


def figures_table(result: dict[str, Any]) -> str:
    """The figures as a plain table (minutes; shares as fractions)."""
    head = f"{'':14}" + "".join(f"{title:>11}" for _k, title in _COLUMNS)
    lines = [head]

    def row(name: str, values: dict[str, Any]) -> str:
        return f"{name:14}" + "".join(f"{values[k]:>11}" for k, _t in _COLUMNS)

    lines.append(row("office", result["office"]))
    for kind in ("group", "window", "clerk"):
        for key, values in result[kind].items():
            lines.append(row(f"{kind} {key}"[:14], values))
    return "\n".join(lines)
