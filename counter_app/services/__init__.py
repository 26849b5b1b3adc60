"""Use cases of the counter: sign in, serve tickets, capture identity, close a shift.

Services orchestrate the domain, the store, sync, printing and the devices. They import
no Qt: the UI calls them through its one worker thread, the CLI calls them directly.
"""
