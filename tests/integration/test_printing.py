"""Printing at the window: tickets through printer faults, reprints, certificates on
security paper, and verifying what was printed with nothing but HQ's public key."""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from counter_app.cli import main
from counter_app.domain.money import Money
from counter_app.services.context import AppContext
from counter_app.services.recorder import Recorder
from counter_app.services.verification import payload_from_symbol
from peripherals.document_printer import FileDocumentPrinter
from peripherals.receipt_printer import SimulatedReceiptPrinter
from printing.documents import ClearanceCertificate
from printing.qr_payload import verify
from sync import credentials
from sync.protocol import Bundle, b64e, public_key_text
from tests.helpers import open_demo
from tests.support.escpos_decode import decode
from tests.support.signing import certified_signer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "printing"


def journal_types(ctx: AppContext) -> list[str]:
    with ctx.db.read() as tx:
        return [e.entry_type for e in tx.journal.entries()]


def printer(ctx: AppContext) -> SimulatedReceiptPrinter:
    assert isinstance(ctx.receipt_printer, SimulatedReceiptPrinter)
    return ctx.receipt_printer


def test_an_issued_ticket_prints_and_the_bytes_decode(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    ticket = ctx.queue.issue_ticket("T", print_ticket=True)
    assert ticket.print_job is not None
    assert ctx.printing.run(ticket.print_job).status == "printed"
    jobs = sorted(printer(ctx).folder.glob("*.escpos"))
    decoded = decode(jobs[-1].read_bytes())
    assert decoded.commands[0] == "init" and "drawer" not in decoded.commands
    assert decoded.image().width == 576
    assert journal_types(ctx)[-3:] == ["ticket.issued", "print.queued", "print.printed"]
    ctx.close()


@pytest.mark.parametrize("fault", ["paper_out_mid_job", "cover_open", "drop_connection"])
def test_printer_faults_leave_the_ticket_issued_and_the_job_failed(
    profile_dir: Path, fault: str
) -> None:
    ctx = open_demo(profile_dir)
    printer(ctx).set_fault(fault)
    ticket = ctx.queue.issue_ticket("T", print_ticket=True)
    assert ticket.print_job is not None
    failed = ctx.printing.run(ticket.print_job)
    assert failed.status == "failed" and failed.error
    assert ctx.queue.snapshot().waiting == 1  # the business operation stayed committed
    [(job_id, kind, status, reason)] = ctx.printing.unfinished_jobs()
    assert (kind, status) == ("ticket", "failed") and reason == failed.error
    assert journal_types(ctx)[-1] == "print.failed"
    printer(ctx).set_fault(None)
    outcome = ctx.printing.reprint(job_id, "mona")
    assert outcome.status == "printed" and outcome.copy_number == 1
    assert ctx.printing.unfinished_jobs() == []
    assert journal_types(ctx)[-2:] == ["print.reprint", "print.printed"]
    ctx.close()


def test_a_stalled_printer_gives_up_the_job_and_it_never_prints_afterwards(
    profile_dir: Path,
) -> None:
    ctx = open_demo(profile_dir, sign_in=False)
    config = ctx.profile.config_path
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "width_px = 576", "width_px = 576\ntimeout_s = 0.5"
        ),
        encoding="utf-8",
    )
    ctx.close()
    ctx = open_demo(profile_dir)
    printer(ctx).set_fault("stall")
    first = ctx.queue.issue_ticket(print_ticket=True)  # issuing never waits on paper
    assert first.print_job is not None
    outcome = ctx.printing.run(first.print_job)
    assert outcome.status == "failed" and "did not answer" in (outcome.error or "")
    # The printer is still stuck in that job: the next ticket is issued all the same, and
    # its paper fails at once instead of queueing behind the stuck job.
    second = ctx.queue.issue_ticket(print_ticket=True)
    assert second.print_job is not None
    busy = ctx.printing.run(second.print_job)
    assert busy.status == "failed" and "has not answered an earlier job" in (busy.error or "")
    assert ctx.queue.snapshot().waiting == 2
    printed_before = printer(ctx).printed_count()
    printer(ctx).set_fault(None)  # the printer wakes up and finishes what it was doing
    assert ctx.printing.receipt_lane.wait_unstuck(10)
    # The job recorded as failed was given up: the printer that woke did not print it.
    assert printer(ctx).printed_count() == printed_before
    for job_id, *_ in ctx.printing.unfinished_jobs():
        assert ctx.printing.reprint(job_id, "mona").status == "printed"
    assert printer(ctx).printed_count() == printed_before + 2
    ctx.close()


def test_a_cash_receipt_reprint_is_a_copy_without_the_drawer_kick(profile_dir: Path) -> None:
    from printing.documents import Receipt, ReceiptLine

    ctx = open_demo(profile_dir)
    receipt = Receipt(
        "مكتب",
        "Office",
        1,
        "منى",
        datetime.now(UTC),
        (ReceiptLine("مخالفة", "Fine", Money(30000)),),
        "cash",
        Money(30000),
        7,
    )
    job = ctx.uow.run(lambda rec: ctx.printing.queue(rec, "receipt", receipt, "mona"))
    assert ctx.printing.run(job).status == "printed"
    assert ctx.printing.reprint(job, "mona").copy_number == 1
    original, copy = sorted(printer(ctx).folder.glob("*.escpos"))[-2:]
    assert "drawer" in decode(original.read_bytes()).commands
    copy_decoded = decode(copy.read_bytes())
    assert "drawer" not in copy_decoded.commands
    banner = copy_decoded.image().height - decode(original.read_bytes()).image().height
    assert 20 <= banner <= 120  # one line more: the COPY banner
    ctx.close()


def enrol_locally(ctx: AppContext, hq_key: Ed25519PrivateKey) -> None:
    """Give the window an HQ-certified key without a network (as enrolment would)."""
    signer = certified_signer(hq_key, ctx.config.workstation_id)
    credentials.save(ctx.config.workstation_id, credentials.Credentials("token", signer.key))
    enrolment = {
        "workstation_id": ctx.config.workstation_id,
        "hq_url": "http://127.0.0.1:1",
        "hq_public_key": public_key_text(hq_key),
        "certificate": {},
        "compact_signature": b64e(signer.hq_signature),
        "compact_expires_day": signer.cert_expires_day,
    }

    def work(rec: Recorder) -> None:
        rec.tx.set_fact("sync.enrolment", json.dumps(enrolment))
        rec.record("workstation.enrolled", {"workstation_id": enrolment["workstation_id"]}, "")

    ctx.uow.run(work)


def certificate() -> ClearanceCertificate:
    today = date.today()
    return ClearanceCertificate(
        0,
        120345,
        "محمد أحمد علي",
        "29001012801235",
        "أ ب ج ١٢٣",
        "1234567",
        today,
        today + timedelta(days=30),
        Money(3500),
        "مكتب بريد أسوان الرئيسي",
        1,
        b"",
    )


def read_pdf_qr(path: Path) -> bytes:
    """Render the PDF with poppler and read its QR with zxing-cpp (an independent decoder)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), f"{tmp}/page"], check=True)
        [result] = zxingcpp.read_barcodes(
            Image.open(sorted(Path(tmp).glob("page*.png"))[0]),
            formats=zxingcpp.BarcodeFormat.QRCode,
        )
        return payload_from_symbol(bytes(result.bytes))


def test_certificate_pdf_qr_reads_back_and_verifies_and_a_jam_spoils_the_sheet(
    profile_dir: Path,
) -> None:
    hq_key = Ed25519PrivateKey.generate()
    ctx = open_demo(profile_dir)
    enrol_locally(ctx, hq_key)
    documents = ctx.printing.document_printer
    assert isinstance(documents, FileDocumentPrinter)

    job = ctx.uow.run(
        lambda rec: ctx.printing.queue(rec, "clearance_certificate", certificate(), "mona")
    )
    first = ctx.printing.run(job)
    assert first.status == "printed" and first.sheet_serial == 4_500_001
    pdf = sorted(documents.folder.glob("*.pdf"))[-1]
    facts = verify(read_pdf_qr(pdf), hq_key.public_key())
    assert (facts.sheet_serial, facts.document_number, facts.national_id) == (
        4_500_001,
        120345,
        "29001012801235",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(ARTIFACTS / "certificate")],
        check=True,
    )

    documents.fail_next = "paper jam in tray 2"
    jammed = ctx.printing.reprint(job, "mona")
    assert jammed.status == "failed" and jammed.sheet_serial == 4_500_002
    retry = ctx.printing.reprint(job, "mona")
    assert retry.status == "printed" and retry.sheet_serial == 4_500_003
    assert ctx.printing.sheet_counts() == {"used": 2, "spoiled": 1, "loaded": 97}
    reprinted = verify(read_pdf_qr(sorted(documents.folder.glob("*.pdf"))[-1]), hq_key.public_key())
    assert reprinted.sheet_serial == 4_500_003
    types = journal_types(ctx)
    assert types.count("sheet.used") == 2 and types.count("sheet.spoiled") == 1

    # The command line verifies the PDF with the key the window trusts, and refuses changes.
    # No trust list from HQ yet: genuine, but whether it was revoked is not known (3).
    verify_pdf = ["--profile", str(profile_dir), "verify-certificate", str(pdf)]
    assert main(verify_pdf) == 3
    signer = ctx.printing.signer()
    assert signer is not None
    window_key = public_key_text(signer.key)
    for revoked, signed_by, expected in (
        ([], hq_key, 0),  # HQ's list, this window not on it: valid
        ([window_key], Ed25519PrivateKey.generate(), 3),  # a list HQ did not sign: ignored
        ([window_key], hq_key, 1),  # revoked: refused, whatever the document's date
    ):
        trust = Bundle(
            kind="trust",
            scope="all",
            version=1,
            issued_at="2026-11-29T08:00:00+00:00",
            payload={
                "hq_public_key": public_key_text(hq_key),
                "revoked": [{"public_key": k, "workstation_id": "ASW-0101-W01"} for k in revoked],
            },
        ).signed_by(signed_by)
        with ctx.db.write() as tx:
            tx.set_fact("bundle.trust", trust.model_dump_json())
        assert main(verify_pdf) == expected
        assert main([*verify_pdf, f"--hq-key={public_key_text(hq_key)}"]) == expected
    assert main([*verify_pdf, "--hq-key=!!!not-a-key"]) == 2
    other_hq = public_key_text(Ed25519PrivateKey.generate())
    assert (
        # "=" form: a base64url key may begin with "-", which argparse takes for an option.
        main(
            ["--profile", str(profile_dir), "verify-certificate", str(pdf), f"--hq-key={other_hq}"]
        )
        == 1
    )
    payload = bytearray(read_pdf_qr(pdf))
    payload[30] ^= 1
    assert (
        main(["--profile", str(profile_dir), "verify-certificate", "--text", b64e(bytes(payload))])
        == 1
    )
    ctx.close()


def test_print_test_command_prints_a_receipt_and_the_calibration_page(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--profile", str(profile_dir), "--demo", "print-test"]) == 0
    out = capsys.readouterr().out
    assert "receipt printer (simulator): printed" in out
    assert list((profile_dir / "printed" / "receipts").glob("*.escpos"))
    assert list((profile_dir / "printed" / "documents").glob("*.pdf"))
    assert list((profile_dir / "printed" / "receipts").glob("*.png"))


def test_loading_sheets_twice_is_refused(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "--profile",
                str(profile_dir),
                "--demo",
                "load-sheets",
                "--first",
                "10",
                "--last",
                "19",
            ]
        )
        == 0
    )
    assert (
        main(["--profile", str(profile_dir), "load-sheets", "--first", "15", "--last", "25"]) == 2
    )
    assert "already in the stock" in capsys.readouterr().err


def test_print_jobs_command_lists_failures_and_reprints(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_demo(profile_dir)
    printer(ctx).set_fault("drop_connection")
    ticket = ctx.queue.issue_ticket(print_ticket=True)
    assert ticket.print_job is not None
    ctx.printing.run(ticket.print_job)
    [(job_id, *_)] = ctx.printing.unfinished_jobs()
    ctx.close()
    assert main(["--profile", str(profile_dir), "print-jobs"]) == 0
    assert f"job {job_id}: ticket, failed - the connection to the printer dropped" in (
        capsys.readouterr().out
    )
    assert main(["--profile", str(profile_dir), "print-jobs", "--reprint", str(job_id)]) == 0
    assert "printed (copy 1)" in capsys.readouterr().out
    assert main(["--profile", str(profile_dir), "print-jobs"]) == 0
    assert "0 job(s) not printed" in capsys.readouterr().out
