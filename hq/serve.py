"""`hq-server serve`: HQ on one port, in one process or several sharing the database.

With `--workers N` (N > 1) uvicorn starts N processes that accept on the same socket;
each opens its own engine and keeps its own rate buckets, so a limit per caller is per
process (a caller's connections are spread over them). The agencies' steps and the SMS
outbox run once, in the supervising process, never in the workers.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from hq.admission import DEFAULT_LIMIT, DEFAULT_QUEUE, Admission
from hq.agencies.fines import FinesAdapter
from hq.agencies.requests import Agencies
from hq.app import create_app
from hq.db import make_engine
from hq.errors import HqError
from hq.keys import load_key_file
from hq.partitions import ensure_ahead
from hq.requests import RequestDesk
from hq.service import HqService

_ENV = "HQ_SERVE"  # how the supervising process tells its workers what to open


@dataclass(frozen=True)
class Served:
    db_url: str
    key_file: Path
    fines_adapter: str  # module:Class
    tick_s: float = 5.0
    access_log: Path | None = None
    pushes: int = DEFAULT_LIMIT  # journal pushes worked on at once, per process
    push_queue: int = DEFAULT_QUEUE  # and waiting; past them 503 (hq/admission.py)
    rate_scale: float = 1.0  # every caller's rate times this (hq/guard.py)


def load_adapter(spec: str) -> FinesAdapter:
    """An agency adapter named by configuration, as module:Class."""
    module_name, _, class_name = spec.partition(":")
    try:
        adapter: FinesAdapter = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, TypeError) as exc:
        raise HqError(
            "adapter", "تعذر تحميل محول الجهة", f"cannot load adapter {spec}: {exc}", status=400
        ) from exc
    return adapter


def _app(served: Served) -> FastAPI:
    service = HqService(make_engine(served.db_url), load_key_file(served.key_file))
    admission = Admission(served.pushes, served.push_queue)
    return create_app(
        service,
        load_adapter(served.fines_adapter),
        admission=admission,
        rate_scale=served.rate_scale,
    )


def worker_app() -> FastAPI:
    """One worker's app (uvicorn's factory), from what the supervising process set."""
    said = json.loads(os.environ[_ENV])
    said["key_file"] = Path(said["key_file"])
    said["access_log"] = Path(said["access_log"]) if said["access_log"] else None
    return _app(Served(**said))


def serve(served: Served, host: str, port: int, workers: int = 1) -> int:
    if served.pushes < 1 or served.push_queue < 0:
        raise HqError(
            "usage",
            "--pushes من 1 فأكثر و--push-queue من 0 فأكثر.",
            "--pushes is at least 1 and --push-queue at least 0.",
            status=400,
        )
    if not 0 < served.rate_scale <= 1000:
        raise HqError(
            "usage",
            "--rate-scale أكبر من 0 وحتى 1000.",
            "--rate-scale is above 0 and at most 1000.",
            status=400,
        )
    if workers < 1 or workers > 64:
        raise HqError("usage", "عدد العمليات من 1 إلى 64.", "--workers is 1 to 64.", status=400)
    fines = load_adapter(served.fines_adapter)  # refused here, not in every worker
    engine = make_engine(served.db_url)
    desk = RequestDesk(engine, Agencies.simulated(engine))
    desk.deliver_sms()  # what a stopped HQ left in its outbox, before anything new
    ensure_ahead(engine, date.today())  # the journal's partitions for the days ahead
    if served.tick_s > 0:
        threading.Thread(
            target=_tick, args=(desk, engine, served.tick_s), name="hq-tick", daemon=True
        ).start()
    logs: dict[str, Any] = (
        {"log_level": "warning"}
        if served.access_log is None
        else {"log_config": access_log_config(served.access_log)}
    )
    print(
        f"HQ serving on http://{host}:{port} (fines: {fines.name}; {workers} process(es))",
        flush=True,
    )
    if workers == 1:
        uvicorn.run(_app(served), host=host, port=port, **logs)
    else:
        os.environ[_ENV] = json.dumps(
            {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(served).items()}
        )
        uvicorn.run(
            "hq.serve:worker_app", factory=True, host=host, port=port, workers=workers, **logs
        )
    return 0


def access_log_config(path: Path) -> dict[str, Any]:
    """uvicorn's own access log (what the server received: never a URL's fragment) to a
    file; its other messages at warning, as without it."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(asctime)s [%(process)d] %(client_addr)s "%(request_line)s" '
                "%(status_code)s",
                "use_colors": False,
            },
        },
        "handlers": {
            "access": {
                "class": "logging.FileHandler",
                "filename": str(path),
                "formatter": "access",
            },
        },
        "loggers": {
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def _tick(desk: RequestDesk, engine: Engine, every_s: float) -> None:
    """Agencies' steps that have come due, and the SMS outbox, every few seconds; the
    journal's partitions for the days ahead, each new day."""
    stop = threading.Event()
    partitions_made_on = date.today()
    while not stop.wait(every_s):
        try:
            desk.advance_due()
            desk.deliver_sms()
            if date.today() != partitions_made_on:
                ensure_ahead(engine, date.today())
                partitions_made_on = date.today()
        except Exception:  # the database may be away for a moment: try on the next tick
            logging.getLogger(__name__).exception("HQ tick failed")
