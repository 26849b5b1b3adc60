"""HQ's side of the money, without HTTP: fines settled once, conflicts named, voids
released, prepaid cards debited once per payment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hq.agencies.fines import SimulatedTrafficProsecution
from hq.db import make_engine, migrate
from hq.errors import HqError
from hq.settlement import Settlement
from sync.protocol import Fine, FinesAnswer, FineToSettle, PrepaidRequest, SettleRequest
from tests.support.fines_people import person_with_fines


class ChangingProsecution(SimulatedTrafficProsecution):
    """The simulator, except that the agency raises every amount after the first answer."""

    def __init__(self) -> None:
        self.raise_by = 0

    def inquire(self, *, national_id: str = "", plate: str = "", licence: str = "") -> FinesAnswer:
        answer = super().inquire(national_id=national_id, plate=plate, licence=licence)
        fines = [
            Fine(**{**f.model_dump(), "amount_piastres": f.amount_piastres + self.raise_by})
            for f in answer.fines
        ]
        return answer.model_copy(update={"fines": fines})


@pytest.fixture
def settlement(tmp_path: Path) -> Settlement:
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    migrate(engine)
    return Settlement(engine, ChangingProsecution())


def request(uuid: str, *fines: Fine) -> SettleRequest:
    return SettleRequest(
        payment_uuid=uuid,
        fines=[FineToSettle(fine_id=f.fine_id, amount_piastres=f.amount_piastres) for f in fines],
    )


def test_a_fine_is_settled_once_and_a_second_payment_is_a_conflict(settlement: Settlement) -> None:
    person = person_with_fines(2)
    fines = settlement.inquire(national_id=person).fines
    first = settlement.settle("ASW-0101-W01", request("payment-0001", fines[0]))
    assert first.settled == [fines[0].fine_id] and first.conflicts == []
    again = settlement.settle("ASW-0101-W01", request("payment-0001", fines[0]))
    assert again.settled == [fines[0].fine_id]  # the same payment again: idempotent
    other = settlement.settle("ASW-0101-W02", request("payment-0002", *fines))
    assert other.settled == [fines[1].fine_id]
    assert [(c.fine_id, c.reason) for c in other.conflicts] == [
        (fines[0].fine_id, "paid_elsewhere")
    ]
    assert [f.fine_id for f in settlement.inquire(national_id=person).fines] == []


def test_a_changed_amount_and_an_unknown_fine_are_conflicts(settlement: Settlement) -> None:
    person = person_with_fines(1, skip=4)
    [fine, *_] = settlement.inquire(national_id=person).fines
    adapter = settlement.fines
    assert isinstance(adapter, ChangingProsecution)
    adapter.raise_by = 1000
    settlement.inquire(national_id=person)  # HQ now knows the agency's new amount
    answer = settlement.settle("ASW-0101-W01", request("payment-0003", fine))
    assert [c.reason for c in answer.conflicts] == ["amount_changed"]
    ghost = Fine(**{**fine.model_dump(), "fine_id": "SIM-NEVER-SEEN"})
    answer = settlement.settle("ASW-0101-W01", request("payment-0004", ghost))
    assert [c.reason for c in answer.conflicts] == ["unknown_fine"]


def test_a_void_in_the_journal_releases_its_fines(settlement: Settlement) -> None:
    person = person_with_fines(1, skip=5)
    [fine, *_] = settlement.inquire(national_id=person).fines
    paid = {
        "payment": "payment-0005",
        "receipt": 3,
        "fines": [{"fine_id": fine.fine_id, "amount_piastres": fine.amount_piastres}],
    }
    with settlement.engine.begin() as conn:
        settlement.after_ingest(
            conn,
            "ASW-0101-W01",
            [{"entry_type": "payment.recorded", "payload": json.dumps(paid), "seq": 10}],
        )
    assert settlement.inquire(national_id=person).fines == []
    with settlement.engine.begin() as conn:
        settlement.after_ingest(
            conn,
            "ASW-0101-W01",
            [
                {
                    "entry_type": "payment.voided",
                    "payload": json.dumps({"payment": "payment-0005"}),
                    "seq": 11,
                }
            ],
        )
    assert [f.fine_id for f in settlement.inquire(national_id=person).fines] == [fine.fine_id]


def test_a_prepaid_card_is_debited_once_per_payment(settlement: Settlement) -> None:
    settlement.add_prepaid_card("4000000000000002", 10_000)
    ask = PrepaidRequest(
        payment_uuid="payment-0006", card_number="4000000000000002", amount_piastres=6_000
    )
    first = settlement.authorise_prepaid(ask)
    again = settlement.authorise_prepaid(ask)  # a retry after a lost answer
    assert first.authorisation == again.authorisation and again.balance_piastres == 4_000
    with pytest.raises(HqError) as short:
        settlement.authorise_prepaid(
            ask.model_copy(update={"payment_uuid": "payment-0007", "amount_piastres": 5_000})
        )
    assert short.value.reason == "prepaid_balance" and short.value.status == 409
    with pytest.raises(HqError) as changed:
        settlement.authorise_prepaid(ask.model_copy(update={"amount_piastres": 100}))
    assert changed.value.reason == "prepaid_mismatch"
    with pytest.raises(HqError) as unknown:
        settlement.authorise_prepaid(
            ask.model_copy(update={"payment_uuid": "payment-0008", "card_number": "4" * 16})
        )
    assert unknown.value.status == 404
