"""Service kinds: one module per way a service is performed (DESIGN.md, "Services at the
window"). A kind reads its fees, fields, offline policy and approvals from its catalogue
entry; adding a service is a catalogue entry, adding a kind is a module here and a screen
in `ui/screens/`."""
