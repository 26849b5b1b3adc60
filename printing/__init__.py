"""Device-independent documents, their raster/PDF rendering and the signed QR (the printing capability)."""
