"""The workstation's configuration: a TOML file in the profile, validated at start.

An IT officer edits `config.toml` by hand, so every mistake is reported with the field's
dotted name and what is expected, in English and Arabic, and the program does not start
half-configured.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from counter_app.domain.journal import workstation_name


class ConfigError(RuntimeError):
    """config.toml is missing, unreadable or invalid; the message lists every problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficeConfig(_Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,15}$")
    name_ar: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)


class WindowConfig(_Strict):
    number: int = Field(ge=1, le=99)


class HqConfig(_Strict):
    url: str = ""
    ca_bundle: str = ""
    connect_timeout_s: float = Field(default=3.05, gt=0, le=60)
    read_timeout_s: float = Field(default=15.0, gt=0, le=300)
    sync_interval_s: float = Field(default=60.0, ge=5, le=3600)
    # HQ's public verification page, which a printed QR opens on a phone; empty: the
    # address the window enrolled with + "/v/" (set it when phones cannot reach that one).
    verify_url: str = ""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a loopback test HQ)")
        return value.rstrip("/")

    @field_validator("verify_url")
    @classmethod
    def _page_url(cls, value: str) -> str:
        if value and (
            not value.startswith(("https://", "http://"))
            or "#" in value
            or not value.isascii()
            or any(c.isspace() for c in value)
        ):
            raise ValueError("must be an https:// address without '#' or spaces")
        return value


class ReceiptPrinterConfig(_Strict):
    timeout_s: float = Field(default=15.0, gt=0, le=120)  # a job longer than this has stalled
    backend: Literal["simulator", "file", "usb", "serial", "network", "cups", "win32"] = "simulator"
    width_px: Literal[384, 512, 576] = 576
    target: str = ""  # device path, host:port, queue name, depending on the backend


class DocumentPrinterConfig(_Strict):
    backend: Literal["file", "system"] = "file"
    target: str = ""
    # Registration: where this printer really puts the page (measure with the calibration page).
    offset_x_mm: float = Field(default=0.0, ge=-20, le=20)
    offset_y_mm: float = Field(default=0.0, ge=-20, le=20)
    timeout_s: float = Field(default=30.0, gt=0, le=300)


class CashDrawerConfig(_Strict):
    # escpos: kicked by the receipt printer inside the receipt's job (the usual wiring).
    backend: Literal["escpos", "simulator", "none"] = "escpos"


class CardTerminalConfig(_Strict):
    # standalone: the bank's own terminal; the clerk types the approval code it printed.
    backend: Literal["simulator", "standalone"] = "standalone"
    timeout_s: float = Field(default=90.0, gt=0, le=600)  # the citizen types a PIN


class CameraConfig(_Strict):
    # For national-ID card requests. opencv needs opencv-python-headless installed.
    backend: Literal["simulator", "opencv", "none"] = "none"
    index: int = Field(default=0, ge=0, le=16)


class SpeakerConfig(_Strict):
    # clips: recorded words joined (resources/sounds, or an office's own in clips_dir);
    # voice: the system's speech (espeak-ng) where it speaks Arabic; simulator: records.
    backend: Literal["clips", "voice", "simulator", "none"] = "none"
    clips_dir: str = ""
    # Where the joined call is played: "" plays it on the sound card (aplay, paplay or
    # winsound); a folder keeps each call as a WAV file instead.
    output: str = ""


class ScannerConfig(_Strict):
    # wedge: a USB scanner that types (recognised by its speed anywhere in the window);
    # serial: a scanner on a COM/tty port (pyserial); simulator: scans on demand.
    backend: Literal["wedge", "serial", "simulator"] = "wedge"
    port: str = ""
    baudrate: int = Field(default=9600, ge=1200, le=921600)


class MrzReaderConfig(_Strict):
    # serial: a passport reader that sends the MRZ lines on a port (pyserial).
    backend: Literal["serial", "simulator", "none"] = "none"
    port: str = ""
    baudrate: int = Field(default=9600, ge=1200, le=921600)


class DevicesConfig(_Strict):
    receipt_printer: ReceiptPrinterConfig = ReceiptPrinterConfig()
    document_printer: DocumentPrinterConfig = DocumentPrinterConfig()
    cash_drawer: CashDrawerConfig = CashDrawerConfig()
    card_terminal: CardTerminalConfig = CardTerminalConfig()
    camera: CameraConfig = CameraConfig()
    speaker: SpeakerConfig = SpeakerConfig()
    scanner: ScannerConfig = ScannerConfig()
    mrz_reader: MrzReaderConfig = MrzReaderConfig()


class QueueConfig(_Strict):
    # standalone: this window keeps its own queue; host: this workstation keeps the
    # office's queue and serves it on `listen`; window: it uses the host at `host_url`.
    role: Literal["standalone", "host", "window"] = "standalone"
    host_url: str = ""
    listen: str = Field(default="0.0.0.0:8765", pattern=r"^[0-9.]+:[0-9]{2,5}$")
    groups: list[str] = []  # the queue groups this window calls (empty: all)
    priority_minutes: int = Field(default=15, ge=0, le=120)
    target_wait_minutes: int = Field(default=20, ge=1, le=240)
    timeout_s: float = Field(default=2.0, gt=0, le=30)
    # The hall display beside the counter window: 0 none, N full screen on screen N, -1 in
    # an ordinary window (the demo). A separate PC runs `counter-app display` instead.
    display_screen: int = Field(default=0, ge=-1, le=8)

    @field_validator("host_url")
    @classmethod
    def _host_url(cls, value: str) -> str:
        if value and not value.startswith("http://"):
            raise ValueError("must start with http:// (the office network)")
        return value.rstrip("/")


class UiConfig(_Strict):
    lang: Literal["ar", "en"] = "ar"
    idle_lock_minutes: int = Field(default=5, ge=1, le=120)  # the screen locks when idle


class RetentionConfig(_Strict):
    citizen_data_days: int = Field(default=30, ge=1, le=3650)


class BackupConfig(_Strict):
    """Where day close writes the store's backup, and how many are kept."""

    folder: str = ""  # empty: "backups" in the profile; an office puts it on another disk
    keep: int = Field(default=14, ge=1, le=365)


class CounterConfig(_Strict):
    office: OfficeConfig
    window: WindowConfig
    hq: HqConfig = HqConfig()
    devices: DevicesConfig = DevicesConfig()
    ui: UiConfig = UiConfig()
    retention: RetentionConfig = RetentionConfig()
    queue: QueueConfig = QueueConfig()
    backup: BackupConfig = BackupConfig()
    demo: bool = False

    @property
    def workstation_id(self) -> str:
        """The name this window's journal carries: office code and window number."""
        return workstation_name(self.office.code, self.window.number)


def load_config(path: Path) -> CounterConfig:
    """Read and validate config.toml, or raise ConfigError listing every problem."""
    if not path.exists():
        raise ConfigError(
            f"{path} does not exist: create it (see the README) or start with --demo\n"
            f"الملف {path} غير موجود: أنشئه أو ابدأ بالخيار ‎--demo"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}\nالملف {path} ليس بصيغة TOML صحيحة: {exc}"
        ) from exc
    try:
        return CounterConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "(top level)"
            problems.append(f"  {where}: {error['msg']}")
        raise ConfigError(
            f"{path} has {len(problems)} problem(s):\n"
            + "\n".join(problems)
            + f"\nفي الملف {path} أخطاء يجب تصحيحها قبل التشغيل (انظر أعلاه)"
        ) from exc


def write_config(path: Path, text: str) -> None:
    """Replace config.toml whole: written beside and renamed, never half written."""
    load_text = tomllib.loads(text)  # never write what could not be read back
    CounterConfig.model_validate(load_text)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".toml.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _toml_string(value: str) -> str:
    # A TOML basic string: JSON's escaping is valid TOML for quotes, backslashes, controls.
    return json.dumps(value, ensure_ascii=False)


def render_config(
    *, office_code: str, name_ar: str, name_en: str, window: int, demo: bool, hq_url: str = ""
) -> str:
    """The text of a new config.toml, commented for the IT officer who will edit it."""
    return f"""# Counter App: this workstation's configuration.
# Edit with care; the program checks every field when it starts.

demo = {"true" if demo else "false"}

[office]
code = {_toml_string(office_code)}          # office code as registered at HQ (A-Z, 0-9, -)
name_ar = {_toml_string(name_ar)}
name_en = {_toml_string(name_en)}

[window]
number = {window}                  # 1-99

[hq]
url = {_toml_string(hq_url)}                   # https://... ; empty until enrolled
ca_bundle = ""                     # path to HQ's CA certificate (PEM)
connect_timeout_s = 3.05
read_timeout_s = 15
sync_interval_s = 60               # background sync every minute, and on demand
verify_url = ""                    # public page printed QR codes open; "" = HQ + "/v/"

[ui]
lang = "ar"                        # ar or en

[devices.receipt_printer]
backend = "simulator"              # simulator, file, usb, serial, network, cups, win32
width_px = 576                     # 576 (80 mm), 512 (TM-T88), 384 (58 mm)
target = ""

[devices.document_printer]
backend = "file"                   # file or system
target = ""
offset_x_mm = 0.0                  # registration: counter-app print-test prints the
offset_y_mm = 0.0                  # calibration page to measure these

[devices.cash_drawer]
backend = "escpos"                 # escpos (kicked by the receipt printer), simulator, none

[devices.card_terminal]
# standalone: the bank's own terminal, the clerk types the approval code it printed
backend = "{"simulator" if demo else "standalone"}"
timeout_s = 90

[devices.camera]
backend = "{"simulator" if demo else "none"}"    # simulator, opencv (a USB camera), none
index = 0

[retention]
citizen_data_days = 30

[queue]
role = "standalone"                # standalone, host (keeps the office's queue), window
host_url = ""                      # for role = "window": http://<host's address>:8765
listen = "0.0.0.0:8765"            # for role = "host"
groups = []                        # queue groups this window calls, e.g. ["T"]; [] = all
priority_minutes = 15              # head start of the elderly, disabled and pregnant
target_wait_minutes = 20
display_screen = {"-1" if demo else "0"}                 # hall display here: 0 none, N on screen N

[devices.speaker]
backend = "{"clips" if demo else "none"}"        # clips, voice, simulator, none
clips_dir = ""                     # an office's own recordings (default: resources/sounds)
output = ""                        # "" plays on the sound card; a folder keeps WAV files

[devices.scanner]
backend = "wedge"                  # wedge (USB, types), serial, simulator
port = ""
baudrate = 9600

[devices.mrz_reader]
backend = "{"simulator" if demo else "none"}"    # serial, simulator, none
port = ""
baudrate = 9600
"""
