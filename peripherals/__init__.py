"""Devices at the window, one small interface per kind, each with a simulator.

Device I/O never runs on the GUI thread. A device that does not answer is in state
UNKNOWN, never READY: python-escpos reports "OK" for a silent printer, and we do not.
"""
