"""Documents, their raster and PDF rendering, and the signed QR (the printing capability)."""
