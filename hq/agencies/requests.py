"""The agencies that fulfil requests, the express mail that delivers them, the SMS gateway.

Each is a Protocol a real adapter implements; each has a SIMULATED stand-in for demos and
tests that answers from a seed (the tracking number), so the same request takes the same
path every time. The simulators are not real agencies.

- the traffic prosecution decides fine appeals (accepted or rejected);
- the traffic department renews driving licences;
- the civil registry issues record extracts and national-ID cards;
- express mail takes a finished document (a consignment number) and delivers it, or
  brings it back to the office when nobody is at home;
- the SMS gateway sends a text to a mobile number, once per message id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, insert, select

from hq import schema as t


@dataclass(frozen=True)
class Step:
    """What an agency did with a request: its new status, a note, and when it moves next."""

    status: str
    note_ar: str = ""
    note_en: str = ""
    consignment: str = ""
    next_in: timedelta | None = None


@dataclass(frozen=True)
class RequestView:
    """What an agency is told of a request (the details only it needs)."""

    tracking: str
    service: str
    authority: str
    status: str
    deliver: bool
    fines: tuple[str, ...] = ()


class RequestAgency(Protocol):
    name: str

    def next_step(self, request: RequestView) -> Step | None: ...


class ExpressMail(Protocol):
    name: str

    def next_step(self, request: RequestView) -> Step | None: ...


class SmsGateway(Protocol):
    name: str

    def send(self, message_id: int, mobile: str, text: str) -> None:
        """Send once; the same message id again must not send a second text."""


def _seed(*parts: str) -> bytes:
    return hashlib.sha256("|".join(parts).encode()).digest()


def _hours(tracking: str, status: str) -> timedelta:
    """A seeded delay of 2 to 49 hours before the next stage."""
    return timedelta(hours=2 + _seed(tracking, status)[0] % 48)


class SimulatedAgency:
    """A SIMULATED authority: accepts (an appeal: decides), produces, hands to the mail."""

    def __init__(self, name: str) -> None:
        self.name = f"SIMULATED {name}"

    def next_step(self, request: RequestView) -> Step | None:
        following = {
            "submitted": self._decide,
            "accepted": lambda r: Step("in_production", next_in=_hours(r.tracking, "prod")),
            "in_production": self._finished,
        }
        act = following.get(request.status)
        return None if act is None else act(request)

    def _decide(self, request: RequestView) -> Step:
        seed = _seed(request.tracking, "decision")
        if request.service == "fine_appeal":
            if seed[0] % 2 == 0:
                return Step(
                    "accepted",
                    "قُبل التظلم وأُلغيت المخالفات المتظلم منها",
                    "The appeal was accepted and the fines appealed against are cancelled",
                )
            return Step(
                "rejected",
                "رُفض التظلم: المخالفات مستحقة السداد",
                "The appeal was rejected: the fines remain due",
            )
        if seed[0] % 16 == 0:
            return Step(
                "rejected",
                "رُفض الطلب: البيانات لا تطابق السجلات؛ راجع أقرب مكتب",
                "Rejected: the details do not match the records; visit an office",
            )
        return Step("accepted", next_in=_hours(request.tracking, "accepted"))

    @staticmethod
    def _finished(request: RequestView) -> Step:
        if request.deliver:
            number = int.from_bytes(_seed(request.tracking, "ems")[:4], "big") % 10**9
            return Step(
                "dispatched",
                "سُلم للبريد السريع",
                "Handed to express mail",
                consignment=f"EE{number:09d}EG",
                next_in=_hours(request.tracking, "dispatched"),
            )
        return Step(
            "ready_for_collection",
            "وصل المستند إلى مكتب البريد: يستلمه صاحبه ببطاقته",
            "The document is at the post office: its owner collects it with their ID card",
        )


class SimulatedExpressMail:
    """SIMULATED express mail: delivers, or one time in eight returns it to the office."""

    name = "SIMULATED express mail"

    def next_step(self, request: RequestView) -> Step | None:
        if request.status != "dispatched":
            return None
        if _seed(request.tracking, "doorstep")[0] % 8 == 0:
            return Step(
                "ready_for_collection",
                "تعذر التسليم بالعنوان: المستند في مكتب البريد",
                "Nobody was at the address: the document is at the post office",
            )
        return Step("delivered", "سُلم إلى المواطن", "Delivered to the citizen")


class SimulatedSmsGateway:
    """SIMULATED SMS gateway: "sends" by writing the text to the `simulated_sms` table."""

    name = "SIMULATED SMS gateway"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, message_id: int, mobile: str, text: str) -> None:
        with self.engine.begin() as conn:
            held = conn.execute(
                select(t.simulated_sms.c.message_id).where(
                    t.simulated_sms.c.message_id == message_id
                )
            ).first()
            if held is None:  # a real gateway is given our id and drops a repeat
                conn.execute(
                    insert(t.simulated_sms).values(
                        message_id=message_id,
                        mobile=mobile,
                        text=text,
                        sent_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                    )
                )


@dataclass
class Agencies:
    """Who fulfils what: one agency per authority named in the catalogue, the mail, SMS."""

    by_authority: dict[str, RequestAgency]
    mail: ExpressMail
    sms: SmsGateway

    @classmethod
    def simulated(cls, engine: Engine) -> Agencies:
        return cls(
            {
                "traffic_prosecution": SimulatedAgency("traffic prosecution"),
                "traffic_department": SimulatedAgency("traffic department"),
                "civil_registry": SimulatedAgency("civil registry"),
            },
            SimulatedExpressMail(),
            SimulatedSmsGateway(engine),
        )

    def next_step(self, request: RequestView) -> Step | None:
        if request.status == "dispatched":
            return self.mail.next_step(request)
        agency = self.by_authority.get(request.authority)
        return None if agency is None else agency.next_step(request)
