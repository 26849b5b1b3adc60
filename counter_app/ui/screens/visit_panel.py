"""The visit panel: the services performed for the citizen at the window, the running
total always in view, and the keys that add a service (F7), pay (F8), remove (Delete)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QWidget

from counter_app.domain.catalogue import Catalogue, Service
from counter_app.domain.errors import InputError
from counter_app.services.instructions import Instruction
from counter_app.services.printing import PrintOutcome
from counter_app.services.visit import Conflict, PaymentOutcome
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea, Panel
from counter_app.ui.screens.approval import VoidDialog
from counter_app.ui.screens.certificate import CertificateScreen
from counter_app.ui.screens.fines import FinesScreen
from counter_app.ui.screens.instructions import InstructionDialog
from counter_app.ui.screens.otp import OtpScreen
from counter_app.ui.screens.picker import ServicePicker
from counter_app.ui.screens.reprint import ReprintDialog
from counter_app.ui.screens.request import RequestScreen
from counter_app.ui.screens.tender import TenderDialog
from counter_app.ui.screens.tracking import TrackingScreen
from counter_app.ui.strings import ltr, tr, tr_both, tr_code
from counter_app.ui.widgets import named

SERVICE_ROLE = Qt.ItemDataRole.UserRole
T = TypeVar("T")


def _given(future: Future[T], _ctx: object) -> Future[T]:
    return future


SCREENS = {
    "fines": FinesScreen,
    "certificate": CertificateScreen,
    "request": RequestScreen,
    "verification": OtpScreen,
    "tracking": TrackingScreen,
}


class VisitPanel(Panel):
    def __init__(
        self,
        ops: OpRunner,
        lang: str,
        messages: MessageArea,
        window: QWidget,
        national_id: Callable[[], str],
    ) -> None:
        super().__init__(tr("visit", lang))
        self.setObjectName("visit_panel")
        self._ops = ops
        self._lang = lang
        self._messages = messages
        self._window = window
        self._national_id = national_id
        self.dialog: QWidget | None = None  # the open dialog, for tests and focus
        self.lines = named(QListWidget(), "visit_lines")
        self.lines.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.body.addWidget(self.lines, 1)
        self.total = named(QLabel(), "visit_total")
        self.total.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.body.addWidget(self.total)
        for key, slot in (("add_service", self.add_service), ("pay", self.pay)):
            button = named(QPushButton(tr(key, lang)), key)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            self.body.addWidget(button)
        self.refresh()

    # ---- the basket --------------------------------------------------------------------

    def refresh(self) -> None:
        basket = self._ops.ctx.visit.basket
        self.lines.clear()
        for line in basket.lines:
            label = line.label_ar if self._lang == "ar" else line.label_en
            item = QListWidgetItem(f"{label}   {line.amount.format(self._lang)}")
            item.setData(SERVICE_ROLE, line.service_code)
            self.lines.addItem(item)
        if basket.lines:
            self.total.setText(tr("total_due", self._lang, amount=basket.total.format(self._lang)))
        else:
            self.total.setText(tr("basket_empty", self._lang))

    def clear(self) -> None:
        """The visit ended: its unpaid services leave the screen with the citizen."""
        self._ops.ctx.visit.clear()
        self.refresh()

    def remove_selected(self) -> None:
        item = self.lines.currentItem() or self.lines.item(self.lines.count() - 1)
        if item is None:
            return
        self._ops.ctx.visit.remove_service(str(item.data(SERVICE_ROLE)))
        self.refresh()

    # ---- adding a service --------------------------------------------------------------

    def add_service(self) -> None:
        self._ops.query(lambda c: c.catalogue.current(), success=self._pick)

    def _pick(self, catalogue: Catalogue) -> None:
        picker = ServicePicker(self._window, self._ops, self._lang, catalogue, self._open_kind)
        self._show(picker)

    def _open_kind(self, service: Service) -> None:
        screen = SCREENS.get(service.kind)
        if screen is None:
            name_ar, name_en = service.name_ar, service.name_en
            self._messages.show_error(
                InputError(
                    "service",
                    tr("kind_later", "ar", name=name_ar),
                    tr("kind_later", "en", name=name_en),
                )
            )
            self.dialog = None
            return
        dialog = screen(
            self._window, self._ops, self._lang, service, self._national_id(), self._added
        )
        self._show(dialog)

    def _added(self, service: Service) -> None:
        self.refresh()
        self._messages.show_notice(
            *(
                tr("added_to_visit", "ar", name=service.name_ar),
                tr("added_to_visit", "en", name=service.name_en),
            )
        )

    def show_dialog(self, dialog: QWidget) -> None:
        """A screen of the window's own (shift, day close) shown like the visit's."""
        self._show(dialog)

    def _show(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))  # type: ignore[attr-defined]
        dialog.open()  # type: ignore[attr-defined]

    def _closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        # The keyboard goes back to the counter, so F7/F8 work at once (after the dialog
        # has gone: activating during its close is undone by the close).
        QTimer.singleShot(0, self._back_to_counter)

    def _back_to_counter(self) -> None:
        if self.dialog is None:  # not when the picker has just opened the kind's screen
            self._window.activateWindow()

    # ---- paying and voiding ------------------------------------------------------------

    def pay(self) -> None:
        if not self._ops.ctx.visit.basket.lines:
            self._messages.show_error(InputError("lines", *tr_both("basket_empty")))
            return
        self._show(TenderDialog(self._window, self._ops, self._lang, self._paid))

    def _paid(self, outcome: PaymentOutcome) -> None:
        done = outcome.done
        self._ops.ctx.visit.clear()
        self.refresh()
        key = "paid_provisional" if done.provisional else "paid"
        said = [
            tr(key, lang, receipt=done.receipt_number, change=done.change.format(lang))
            for lang in ("ar", "en")
        ]
        if done.trackings:
            numbers = ", ".join(ltr(n) for n in done.trackings)
            said = [
                f"{s} {tr_code('requests_taken', lang, numbers=numbers)}"
                for s, lang in zip(said, ("ar", "en"), strict=True)
            ]
        self._messages.show_notice(*said)
        receipt = done.receipt_number
        self._ops.watch(
            partial(_given, outcome.settlement),
            success=lambda conflicts: self._conflicts(receipt, conflicts),
        )
        self._watch_prints(outcome)

    def _conflicts(self, receipt: int, conflicts: list[Conflict]) -> None:
        """HQ could not settle some fines just paid: the clerk must know at once."""
        for fine_id, _reason, message in conflicts:
            self._messages.show_error(
                InputError(
                    "conflict",
                    tr("paid_conflict", "ar", receipt=receipt, message=fine_id),
                    tr("paid_conflict", "en", receipt=receipt, message=message),
                )
            )

    def _watch_prints(self, outcome: PaymentOutcome) -> None:
        for future in outcome.prints:
            self._ops.watch(partial(_given, future), success=self._printed)

    def _printed(self, printed: PrintOutcome) -> None:
        if printed.status != "printed" and printed.sheet_serial is not None:
            values = {"reason": printed.error or "", "sheet": printed.sheet_serial}
            self._messages.show_error(
                InputError(
                    "printer",
                    tr("certificate_not_printed", "ar", **values),
                    tr("certificate_not_printed", "en", **values),
                )
            )
            return
        if printed.status != "printed":
            reason = printed.error or ""
            self._messages.show_error(
                InputError(
                    "printer",
                    tr("print_failed", "ar", reason=reason),
                    tr("print_failed", "en", reason=reason),
                )
            )

    def print_certificate_again(self) -> None:
        self._show(ReprintDialog(self._window, self._ops, self._lang, self._reprinted))

    def _reprinted(self, printed: PrintOutcome) -> None:
        if printed.status == "printed":
            self._messages.show_notice(
                *(
                    tr("certificate_printed", lang, sheet=printed.sheet_serial)
                    for lang in ("ar", "en")
                )
            )
        else:
            self._printed(printed)

    def instructions(self) -> None:
        self._ops.query(lambda c: c.instructions.pending(), success=self._answer_first)

    def _answer_first(self, pending: list[Instruction]) -> None:
        if not pending:
            self._messages.show_notice(*tr_both("no_instructions"))
            return
        self._show(
            InstructionDialog(self._window, self._ops, self._lang, pending[0], self.instructions)
        )

    def show_waiting(self, pending: list[Instruction]) -> None:
        """Tell the clerk HQ's instructions wait, whatever else the band said."""
        if pending and self.dialog is None:
            self._messages.show_error(
                InputError("instructions", *tr_both("instructions_waiting", n=len(pending)))
            )

    def void(self) -> None:
        self._show(VoidDialog(self._window, self._ops, self._lang, self._voided))

    def _voided(self, outcome: PaymentOutcome) -> None:
        done = outcome.done
        said = [
            tr(
                "voided",
                lang,
                receipt=done.voided_receipt,
                void=done.receipt_number,
                amount=done.change.format(lang),
            )
            for lang in ("ar", "en")
        ]
        self._messages.show_notice(*said)
        self._watch_prints(outcome)
