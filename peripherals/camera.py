"""The camera role: a citizen's photo for a national-ID card request, as a small PNG.

Backends: the simulator (a drawn placeholder portrait, marked as simulated), and OpenCV
for a USB camera when `opencv-python-headless` is installed (optional: not a dependency
of the counter). Every photo leaves here as a PNG of at most `PHOTO_SIZE`, greyscale,
well under what HQ accepts.
"""

from __future__ import annotations

import io
from typing import Any, Protocol

from PIL import Image, ImageDraw

from peripherals.base import DeviceError

PHOTO_SIZE = (300, 400)  # width, height: a passport-style portrait


class Camera(Protocol):
    name: str

    def capture(self) -> bytes:
        """One photo as PNG bytes, or DeviceError with the reason."""
        ...


def to_png(image: Image.Image) -> bytes:
    """Fit into PHOTO_SIZE (keeping the aspect), greyscale, PNG."""
    image = image.convert("L")
    image.thumbnail(PHOTO_SIZE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class SimulatedCamera:
    """Draws a placeholder portrait; `fail_with` makes the next capture fail."""

    name = "SIMULATED camera"

    def __init__(self) -> None:
        self.fail_with: str | None = None
        self.taken = 0

    def capture(self) -> bytes:
        if self.fail_with:
            raise DeviceError(self.fail_with)
        self.taken += 1
        width, height = PHOTO_SIZE
        image = Image.new("L", PHOTO_SIZE, 225)
        draw = ImageDraw.Draw(image)
        draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.5), fill=120)
        draw.rectangle((width * 0.2, height * 0.55, width * 0.8, height), fill=90)
        draw.text((8, 8), f"SIMULATED {self.taken}", fill=0)
        return to_png(image)


class OpenCvCamera:
    """A USB camera through OpenCV (optional package `opencv-python-headless`)."""

    def __init__(self, index: int = 0) -> None:
        self.index = index
        self.name = f"camera {index} (OpenCV)"

    def capture(self) -> bytes:
        try:
            import cv2  # type: ignore[import-not-found]  # noqa: PLC0415 (optional)
        except ImportError as exc:
            raise DeviceError(
                "the OpenCV camera backend needs opencv-python-headless installed"
            ) from exc
        device: Any = cv2.VideoCapture(self.index)
        try:
            ok, frame = device.read()
        finally:
            device.release()
        if not ok:
            raise DeviceError(f"camera {self.index} gave no picture: is it connected?")
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        return to_png(Image.fromarray(rgb))


class NoCamera:
    name = "no camera"

    def capture(self) -> bytes:
        raise DeviceError("this window has no camera configured (devices.camera.backend)")


def make_camera(backend: str, index: int = 0) -> Camera:
    if backend == "simulator":
        return SimulatedCamera()
    if backend == "opencv":
        return OpenCvCamera(index)
    if backend == "none":
        return NoCamera()
    raise DeviceError(f"unknown camera backend {backend!r}")
