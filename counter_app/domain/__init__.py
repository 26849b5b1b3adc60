"""Pure rules of the counter: money, identity, text, the journal chain, business time.

Nothing here imports Qt, SQLAlchemy or requests, and nothing does I/O: callers pass in
the clock readings and identifiers, so every rule is testable on its own.
"""
