"""Setting a window's devices without editing files: list, set, test.

`set` changes one field of `[devices.*]` in config.toml, keeping the IT officer's
comments (tomlkit), refuses a value the configuration or the device backend would
refuse, and replaces the file whole. Nothing changes when anything is wrong.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError

from counter_app.domain.errors import InputError
from counter_app.services.config import CounterConfig, DevicesConfig, write_config
from peripherals.base import DeviceError
from peripherals.document_printer import make_document_printer
from peripherals.receipt_printer import make_receipt_printer

ROLES = tuple(DevicesConfig.model_fields)


def describe(config: CounterConfig) -> list[str]:
    """One line per setting of every device role, as `role.field = value`."""
    lines: list[str] = []
    for role in ROLES:
        settings = getattr(config.devices, role).model_dump()
        lines.extend(f"{role}.{name} = {value!r}" for name, value in settings.items())
    return lines


def set_device(config_path: Path, setting: str, value: str, printed_dir: Path) -> CounterConfig:
    """Set `role.field` to `value` in config.toml; returns the configuration now in force."""
    role, _, name = setting.partition(".")
    if role not in ROLES or name not in _fields(role):
        known = ", ".join(f"{r}.{f}" for r in ROLES for f in _fields(r))
        raise InputError(
            "setting",
            f"الإعداد «{setting}» غير معروف",
            f"There is no device setting '{setting}'. Known: {known}",
        )
    document = tomlkit.parse(config_path.read_text(encoding="utf-8"))
    devices = document.setdefault("devices", tomlkit.table())
    table = devices.setdefault(role, tomlkit.table())
    table[name] = _typed(value)
    text = tomlkit.dumps(document)
    try:
        config = CounterConfig.model_validate(tomllib.loads(text))
    except ValidationError as exc:
        problem = "; ".join(e["msg"] for e in exc.errors())
        raise InputError(
            "value",
            f"القيمة «{value}» غير مقبولة للإعداد {setting}",
            f"{value!r} is not accepted for {setting}: {problem}",
        ) from exc
    try:  # the backend's own checks (a USB target's form, a network address)
        receipt = config.devices.receipt_printer
        make_receipt_printer(receipt.backend, receipt.width_px, receipt.target, printed_dir)
        document_printer = config.devices.document_printer
        make_document_printer(document_printer.backend, document_printer.target, printed_dir)
    except DeviceError as exc:
        raise InputError(
            "value", f"القيمة «{value}» غير مقبولة للإعداد {setting}", str(exc)
        ) from exc
    write_config(config_path, text)
    return config


def _fields(role: str) -> list[str]:
    model: Any = DevicesConfig.model_fields[role].annotation
    return list(model.model_fields)


def _typed(value: str) -> Any:
    """The TOML value a typed word means: numbers as numbers, everything else as text."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value
