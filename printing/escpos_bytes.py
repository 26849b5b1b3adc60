"""ESC/POS bytes for a raster image: init, the image (GS v 0), cut, and the drawer kick.

python-escpos's Dummy printer collects the bytes, which any backend then sends.
The drawer kick is added only for cash, and only by a caller whose payment has committed.
"""

from __future__ import annotations

import logging

from escpos.printer import Dummy
from PIL import Image

# python-escpos warns about its default profile's unknown paper width on every image;
# we always send full-width images, so the warning says nothing useful.
logging.getLogger("escpos").setLevel(logging.ERROR)


def raster_job(image: Image.Image, *, open_drawer: bool = False) -> bytes:
    printer = Dummy()
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", center=False)
    printer.cut()
    if open_drawer:
        printer.cashdraw(2)
    return bytes(printer.output)
