"""The request screen: the form its catalogue entry asks for (identity, plate or licence,
relation to the person on a civil record, fines and grounds of an appeal, delivery
address, mobile, photo), checked as a whole, priced (express delivery only when chosen)
and added to the visit. The slip with the tracking number prints after the payment.
Enter moves to the next field; Ctrl+Enter adds; Ctrl+K takes the photo."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from counter_app.domain import national_id
from counter_app.domain.catalogue import Service
from counter_app.domain.errors import BilingualError
from counter_app.domain.money import Money
from counter_app.domain.requests import RELATIONS, RequestForm
from counter_app.domain.visit import VisitLine
from counter_app.services.kinds.fines import FinesInquiry
from counter_app.services.kinds.request import RequestOrder, offers_delivery_choice
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import ltr, tr, tr_both
from counter_app.ui.widgets import named

FINE_ROLE = Qt.ItemDataRole.UserRole


class RequestScreen(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        service: Service,
        national_id_text: str,
        added: Callable[[Service], None],
    ) -> None:
        super().__init__(parent, ops, lang, "request_title")
        self.setObjectName("request_screen")
        self.setMinimumWidth(720)
        self.service = service
        self._added = added
        self.photo = b""
        fields = service.fields
        name = QLabel(service.name(lang))
        name.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.insertWidget(1, name)
        form = QFormLayout()
        self.inputs: dict[str, QWidget] = {}
        self.national_id = self._line(form, "national_id", "national_id", national_id_text)
        self.national_id.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.name = self._line(form, "name", "citizen_name")
        if "plate" in fields:
            self._line(form, "plate", "plate")
        if "licence" in fields:
            self._line(form, "licence", "licence").setLayoutDirection(
                Qt.LayoutDirection.LeftToRight
            )
        if "relation" in fields:
            self._relation_rows(form)
        self.fines: QListWidget | None = None
        self.inquiry: FinesInquiry | None = None
        if "fines" in fields:
            self._fines_rows(form)
        if "grounds" in fields:
            self._line(form, "grounds", "grounds")
        self.deliver: QCheckBox | None = None
        if "postal_address" in fields:
            self._address_rows(form)
        if "mobile" in fields:
            self._line(form, "mobile", "citizen_mobile").setLayoutDirection(
                Qt.LayoutDirection.LeftToRight
            )
        self.photo_label: QLabel | None = None
        if "photo" in fields:
            self._photo_row(form)
        self.layout_.addLayout(form)
        self.fee = named(QLabel(), "request_fee")
        self.fee.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.layout_.addWidget(self.fee)
        self.add_button = named(QPushButton(tr("add_to_visit", lang)), "add_request")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_to_visit)
        self.layout_.addWidget(self.add_button)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.add_to_visit)
        self._chain_enter()
        self._delivery_changed()
        (self.name if self.national_id.text() else self.national_id).setFocus()

    def _relation_rows(self, form: QFormLayout) -> None:
        relation = named(QComboBox(), "relation")
        for code, names in RELATIONS.items():
            relation.addItem(names[0] if self.lang == "ar" else names[1], code)
        form.addRow(tr("relation", self.lang), relation)
        self.inputs["relation"] = relation
        self._line(form, "subject_name", "subject_name")
        relation.currentIndexChanged.connect(self._relation_changed)
        self._relation_changed()

    def _fines_rows(self, form: QFormLayout) -> None:
        look = named(QPushButton(tr("inquire_fines", self.lang)), "appeal_inquire")
        look.setAutoDefault(False)
        look.clicked.connect(self.inquire)
        form.addRow(tr("appeal_fines", self.lang), look)
        self.fines = named(QListWidget(), "appeal_fines")
        self.fines.setMinimumHeight(110)
        form.addRow("", self.fines)

    def _address_rows(self, form: QFormLayout) -> None:
        if offers_delivery_choice(self.service):
            self.deliver = named(QCheckBox(tr("deliver_home", self.lang)), "deliver")
            self.deliver.setChecked(True)
            self.deliver.toggled.connect(self._delivery_changed)
            form.addRow("", self.deliver)
        governorate = named(QComboBox(), "governorate")
        governorate.addItem("—", "")
        for code, names in national_id.GOVERNORATES.items():
            if code != "88":
                governorate.addItem(names[0] if self.lang == "ar" else names[1], code)
        form.addRow(tr("governorate", self.lang), governorate)
        self.inputs["governorate"] = governorate
        self._line(form, "district", "district")
        self._line(form, "street", "street")

    def _photo_row(self, form: QFormLayout) -> None:
        shoot = named(QPushButton(tr("take_photo", self.lang)), "take_photo")
        shoot.setAutoDefault(False)
        shoot.clicked.connect(self.take_photo)
        self.photo_label = named(QLabel(tr("no_photo", self.lang)), "photo")
        self.photo_label.setFixedHeight(120)
        form.addRow(shoot, self.photo_label)
        QShortcut(QKeySequence("Ctrl+K"), self).activated.connect(self.take_photo)

    def _line(self, form: QFormLayout, key: str, label: str, text: str = "") -> QLineEdit:
        line = named(QLineEdit(text), f"request_{key}")
        form.addRow(tr(label, self.lang), line)
        self.inputs[key] = line
        return line

    def _chain_enter(self) -> None:
        """Enter moves to the next field as on paper; on the last one it adds."""
        lines = [w for w in self.inputs.values() if isinstance(w, QLineEdit)]
        grounds = self.inputs.get("grounds")
        for here, following in pairwise(lines):
            if following is grounds and self.fines is not None:
                here.returnPressed.connect(self.inquire)  # the appeal's fines come first
            else:
                here.returnPressed.connect(following.setFocus)
        if lines:
            lines[-1].returnPressed.connect(self.add_to_visit)

    def _relation_changed(self) -> None:
        relation = self.inputs["relation"]
        assert isinstance(relation, QComboBox)
        self.inputs["subject_name"].setEnabled(relation.currentData() != "self")

    def _delivery_changed(self) -> None:
        deliver = self.deliver is None or self.deliver.isChecked()
        for key in ("governorate", "district", "street"):
            if key in self.inputs:
                self.inputs[key].setEnabled(deliver)
        fees = [
            f
            for f in self.service.fees
            if not f.optional or (deliver and f.code == "express_delivery")
        ]
        total = sum((f.amount for f in fees), Money(0))
        self.fee.setText(tr("total_due", self.lang, amount=total.format(self.lang)))

    # ---- an appeal's fines -------------------------------------------------------------

    def inquire(self) -> None:
        number = self.national_id.text()
        self.ops.online(
            "asking_fines",
            lambda c: c.fines.inquire("national_id", number),
            success=self._show_fines,
            failure=self.show_error,
        )

    def _show_fines(self, inquiry: FinesInquiry) -> None:
        assert self.fines is not None
        self.inquiry = inquiry
        self.fines.clear()
        for fine in inquiry.fines:
            violation = fine.violation_ar if self.lang == "ar" else fine.violation_en
            amount = Money(fine.amount_piastres).format(self.lang)
            item = QListWidgetItem(
                f"{violation}  ·  {fine.date}  ·  {ltr(fine.plate)}  ·  {amount}"
            )
            item.setData(FINE_ROLE, fine.fine_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.fines.addItem(item)
        if not inquiry.fines:
            self.fines.addItem(QListWidgetItem(tr("no_fines", self.lang)))
        self.fines.setFocus()
        self.fines.setCurrentRow(0)

    def chosen_fines(self) -> list[str]:
        if self.fines is None:
            return []
        items = (self.fines.item(i) for i in range(self.fines.count()))
        return [
            str(item.data(FINE_ROLE))
            for item in items
            if item is not None
            and item.data(FINE_ROLE)
            and item.checkState() == Qt.CheckState.Checked
        ]

    # ---- the photo ---------------------------------------------------------------------

    def take_photo(self) -> None:
        if self.photo_label is None:
            return
        self.ops.query(lambda c: c.camera.capture(), success=self._photo, failure=self._no_photo)

    def _photo(self, png: bytes) -> None:
        assert self.photo_label is not None
        self.photo = png
        image = QImage.fromData(png, b"PNG")
        self.photo_label.setPixmap(QPixmap.fromImage(image).scaledToHeight(120))
        self.messages.show_notice(*tr_both("photo_taken"))

    def _no_photo(self, error: BilingualError) -> None:
        self.show_error(error)

    # ---- adding ------------------------------------------------------------------------

    def _text(self, key: str) -> str:
        widget = self.inputs.get(key)
        return widget.text() if isinstance(widget, QLineEdit) else ""

    def _choice(self, key: str, default: str = "") -> str:
        widget = self.inputs.get(key)
        return str(widget.currentData()) if isinstance(widget, QComboBox) else default

    def form(self) -> RequestForm:
        return RequestForm(
            national_id=self.national_id.text(),
            name=self.name.text(),
            mobile=self._text("mobile"),
            plate=self._text("plate"),
            licence=self._text("licence"),
            relation=self._choice("relation", "self"),
            subject_name=self._text("subject_name"),
            deliver=self.deliver is None or self.deliver.isChecked(),
            governorate=self._choice("governorate"),
            district=self._text("district"),
            street=self._text("street"),
            grounds=self._text("grounds"),
            fines=self.chosen_fines(),
            photo=self.photo,
        )

    def add_to_visit(self) -> None:
        if self.ops.online_calls:
            return
        service, form = self.service, self.form()
        self.ops.query(
            lambda c: c.payments.requests.order(service, form),
            success=self._ordered,
            failure=self._refused,
        )

    def _ordered(self, result: tuple[list[VisitLine], RequestOrder]) -> None:
        lines, order = result
        self.join_visit(
            lambda: self.ops.ctx.visit.add(lines, request=order),
            self.service,
            self._added,
            self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        field = getattr(error, "field", "")
        widget = self.inputs.get(field) or (self.fines if field == "fines" else None)
        if field == "photo" or widget is None:
            return
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()
