"""ESC/POS bytes for a raster image: init, the image (GS v 0), cut, and the drawer kick.

python-escpos's Dummy printer collects the bytes, which any backend then sends.
The drawer kick is added only for cash, and only by a caller whose payment has committed.
"""

from __future__ import annotations

import copy

from PIL import Image

from peripherals.escpos_import import escpos_printer_module


def raster_job(image: Image.Image, *, open_drawer: bool = False) -> bytes:
    printer = escpos_printer_module().Dummy()
    # The default profile has no paper width and python-escpos then prints a warning to
    # stdout on every image; our images are always exactly the paper's width.
    printer.profile.profile_data = copy.deepcopy(printer.profile.profile_data)
    printer.profile.profile_data["media"]["width"]["pixels"] = image.width
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", center=False)
    printer.cut()
    if open_drawer:
        printer.cashdraw(2)
    return bytes(printer.output)
