"""The panels the main window assembles, one module each."""
