"""Everything one running workstation needs, built from its profile, and closed together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.services import secrets_at_rest
from counter_app.services.catalogue import CatalogueService
from counter_app.services.clock import Clock, SystemClock
from counter_app.services.config import (
    CounterConfig,
    MrzReaderConfig,
    ScannerConfig,
    load_config,
)
from counter_app.services.day_close import DayCloseService
from counter_app.services.day_report import DayReportService
from counter_app.services.events import EventBus
from counter_app.services.evidence import EvidenceService
from counter_app.services.heartbeat import HeartbeatService
from counter_app.services.identity import IdentityService
from counter_app.services.instance import InstanceLock
from counter_app.services.instructions import InstructionService
from counter_app.services.kinds.certificate import CertificateKind
from counter_app.services.kinds.fines import FinesKind
from counter_app.services.kinds.tracking import TrackingKind
from counter_app.services.kinds.verification import VerificationKind
from counter_app.services.lanes import Lanes
from counter_app.services.limits import LimitsService
from counter_app.services.logs import setup_logging
from counter_app.services.office_setup import make_queue
from counter_app.services.payment import PaymentService
from counter_app.services.printing import PrintService
from counter_app.services.profile import Profile
from counter_app.services.queue import QueueService
from counter_app.services.queue_host import QueueHost
from counter_app.services.recorder import UnitOfWork
from counter_app.services.requests import RequestService
from counter_app.services.session import SessionService
from counter_app.services.shift import ShiftService
from counter_app.services.status import StatusService
from counter_app.services.sync import SyncService
from counter_app.services.visit import VisitService
from counter_app.store import Database
from peripherals.camera import Camera, make_camera
from peripherals.card_terminal import make_card_terminal
from peripherals.cash_drawer import make_cash_drawer
from peripherals.document_printer import make_document_printer
from peripherals.receipt_printer import ReceiptPrinter, make_receipt_printer
from peripherals.scanner import LineDevice, make_line_device
from sync import credentials

log = logging.getLogger(__name__)


def _serial(device: ScannerConfig | MrzReaderConfig) -> tuple[str, str, int]:
    # A wedge scanner types into the window: nothing to open here.
    backend = "none" if device.backend == "wedge" else device.backend
    return backend, device.port, device.baudrate


@dataclass
class AppContext:
    """The services of one workstation, sharing one store, clock and event bus."""

    profile: Profile
    config: CounterConfig
    db: Database
    clock: Clock
    bus: EventBus
    session: SessionService
    queue: QueueService
    identity: IdentityService
    status: StatusService
    sync: SyncService
    printing: PrintService
    receipt_printer: ReceiptPrinter
    lanes: Lanes
    catalogue: CatalogueService
    payments: PaymentService
    fines: FinesKind
    certificates: CertificateKind
    visit: VisitService
    instructions: InstructionService
    requests: RequestService
    tracking: TrackingKind
    verification: VerificationKind
    camera: Camera
    scanner: LineDevice
    mrz_reader: LineDevice
    limits: LimitsService
    shifts: ShiftService
    day_close: DayCloseService
    day_report: DayReportService
    evidence: EvidenceService
    heartbeat: HeartbeatService
    lock: InstanceLock | None = field(default=None)
    queue_host: QueueHost | None = field(default=None)

    @classmethod
    def open(
        cls,
        profile: Profile,
        *,
        clock: Clock | None = None,
        take_lock: bool = True,
        log_to_file: bool = True,
    ) -> AppContext:
        """Open a workstation: lock the profile, read config, open and migrate the store.

        This is the one place a workstation is built; the demo (`services.demo`) prepares
        its profile before and seeds its clerks after, from outside.
        """
        profile.ensure()
        credentials.use_fallback(None)  # a demo sets its own after opening
        lock = InstanceLock(profile.lock_path) if take_lock else None
        if lock is not None:
            lock.acquire()
        try:
            config = load_config(profile.config_path)
            if log_to_file:
                setup_logging(profile.logs_dir)
            db = Database(profile.database_path)
            db.open(config.workstation_id)
            clock = clock or SystemClock()
            bus = EventBus()
            uow = UnitOfWork(db, clock, bus)
            session = SessionService(uow, bus)
            # Before anything else writes: compare the store with its seal.
            evidence = EvidenceService(uow, session, profile.seal_path, config.workstation_id)
            evidence.start()
            secrets_at_rest.take_up(uow)
            printer = make_receipt_printer(
                config.devices.receipt_printer.backend,
                config.devices.receipt_printer.width_px,
                config.devices.receipt_printer.target,
                profile.printed_dir,
            )
            sync = SyncService(uow, bus, config)
            lanes = Lanes()
            documents = config.devices.document_printer
            printing = PrintService(
                uow,
                bus,
                config,
                printer,
                make_document_printer(documents.backend, documents.target, profile.printed_dir),
                sync,
                lanes,
            )
            catalogue = CatalogueService(sync)
            payments = PaymentService(uow, session, printing, config, lanes)
            fines = FinesKind(uow, sync, payments)
            sync.after_pull.append(fines.settle_waiting)
            sync.after_pull.append(payments.purge_citizen_data)
            printing.printed_dir = profile.printed_dir
            sync.after_pull.append(printing.purge_documents)
            requests = RequestService(uow, sync, config)
            sync.after_push.append(requests.submit_waiting)
            sync.after_pull.extend([requests.apply_statuses, requests.purge])
            queue, queue_host = make_queue(uow, bus, session, config, printing, catalogue, sync)
            terminal = config.devices.card_terminal
            limits = LimitsService(uow, sync)
            visit = VisitService(
                uow,
                session,
                payments,
                fines,
                printing,
                sync,
                make_card_terminal(terminal.backend),
                make_cash_drawer(config.devices.cash_drawer.backend),
                terminal.timeout_s,
                lanes,
                limits,
            )
            day_close = DayCloseService(uow, session, sync, config, profile, clock)
            day_close.evidence_check = evidence.check_now
            ctx = cls(
                profile=profile,
                config=config,
                db=db,
                clock=clock,
                bus=bus,
                session=session,
                queue=queue,
                identity=IdentityService(uow, session),
                status=StatusService(uow, session, config, sync),
                sync=sync,
                printing=printing,
                receipt_printer=printer,
                lanes=lanes,
                catalogue=catalogue,
                payments=payments,
                fines=fines,
                certificates=CertificateKind(uow, sync, visit.wait_for_settlements),
                visit=visit,
                instructions=InstructionService(uow, session, sync),
                requests=requests,
                tracking=TrackingKind(uow, sync),
                verification=VerificationKind(uow, sync),
                camera=make_camera(config.devices.camera.backend, config.devices.camera.index),
                scanner=make_line_device("scanner", *_serial(config.devices.scanner)),
                mrz_reader=make_line_device("mrz reader", *_serial(config.devices.mrz_reader)),
                limits=limits,
                shifts=ShiftService(uow, session, limits, config.window.number),
                day_close=day_close,
                day_report=DayReportService(uow, config, day_close),
                evidence=evidence,
                heartbeat=HeartbeatService(
                    uow, session, config.workstation_id, evidence.signing_key
                ),
                lock=lock,
                queue_host=queue_host,
            )
            log.info("workstation %s opened (profile %s)", config.workstation_id, profile.root)
            return ctx
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    @property
    def uow(self) -> UnitOfWork:
        return self.status.uow

    def start_queue_host(self) -> None:
        """Serve the office's queue on the office network (role "host" only)."""
        if self.queue_host is not None:
            self.queue_host.start()

    def close(self) -> None:
        if self.queue_host is not None:
            self.queue_host.stop()
        self.queue.close()
        self.sync.stop_background()
        self.lanes.shutdown()
        self.visit.close()
        self.printing.close()
        self.db.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        log.info("workstation closed")

    @staticmethod
    def profile_for(root: Path | None, *, demo_mode: bool) -> Profile:
        return Profile(root) if root is not None else Profile.default(demo=demo_mode)
