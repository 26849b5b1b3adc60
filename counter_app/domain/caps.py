"""The caps on what a window may hold that HQ has not seen: cash taken and certificates
issued since the last acknowledged entry. An office that is offline for days keeps
serving, but the risk it carries is bounded: near a cap the clerk is warned, and going
beyond it takes a supervisor, once per payment, journaled with the figures."""

from __future__ import annotations

from dataclasses import dataclass, replace

from counter_app.domain.cash import DEFAULT_TOLERANCE
from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.text import to_arabic_indic

NEAR_SHARE_PERCENT = 80  # the status bar warns from this share of a cap
DEFAULT_CASH_CAP = 5_000_000  # EGP 50,000 of unsynced cash
DEFAULT_CERTIFICATE_CAP = 200  # unsynced certificates


def default_limits() -> dict[str, int]:
    """The limits of an office HQ has set none for, under the users bundle's names."""
    return {
        "cash_tolerance_piastres": DEFAULT_TOLERANCE,
        "unsynced_cash_cap_piastres": DEFAULT_CASH_CAP,
        "unsynced_certificates_cap": DEFAULT_CERTIFICATE_CAP,
    }


@dataclass(frozen=True)
class CapStanding:
    """What waits unsynced against the office's caps (piastres, certificates)."""

    cash: int
    cash_cap: int
    certificates: int
    certificates_cap: int

    def after(self, cash: int, certificates: int) -> CapStanding:
        """The standing once a payment taking this much cash and these certificates is in."""
        return replace(self, cash=self.cash + cash, certificates=self.certificates + certificates)

    @property
    def cash_beyond(self) -> bool:
        return self.cash > self.cash_cap

    @property
    def certificates_beyond(self) -> bool:
        return self.certificates > self.certificates_cap

    @property
    def beyond(self) -> bool:
        return self.cash_beyond or self.certificates_beyond

    @property
    def cash_near(self) -> bool:
        return self.cash * 100 >= self.cash_cap * NEAR_SHARE_PERCENT

    @property
    def certificates_near(self) -> bool:
        return self.certificates * 100 >= self.certificates_cap * NEAR_SHARE_PERCENT

    @property
    def near(self) -> bool:
        """At or past the warning share of either cap."""
        return self.cash_near or self.certificates_near

    def as_payload(self) -> dict[str, int]:
        return {
            "unsynced_cash_piastres": self.cash,
            "unsynced_cash_cap_piastres": self.cash_cap,
            "unsynced_certificates": self.certificates,
            "unsynced_certificates_cap": self.certificates_cap,
        }

    def refusal(self) -> InputError:
        """Why a payment that would take the window beyond a cap waits for a supervisor."""
        ar, en = [], []
        if self.cash_beyond:
            cap = Money(self.cash_cap)
            ar.append(
                f"النقدية التي لم تصل المركز ستبلغ {Money(self.cash).format('ar')} "
                f"والحد {cap.format('ar')}"
            )
            en.append(
                f"cash HQ has not seen would reach {Money(self.cash).format('en')}, "
                f"beyond the cap of {cap.format('en')}"
            )
        if self.certificates_beyond:
            ar.append(
                f"الشهادات التي لم تصل المركز ستبلغ {to_arabic_indic(str(self.certificates))} "
                f"والحد {to_arabic_indic(str(self.certificates_cap))}"
            )
            en.append(
                f"certificates HQ has not seen would reach {self.certificates}, "
                f"beyond the cap of {self.certificates_cap}"
            )
        return InputError(
            "unsynced_cap",
            "تجاوز الحد: " + "، و".join(ar) + " - زامن مع المركز أو اطلب موافقة المشرف",
            "Beyond the cap: " + "; ".join(en) + ". Sync with HQ, or ask a supervisor to approve.",
        )
