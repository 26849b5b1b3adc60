"""The local SQLite store: schema, migrations, and repositories used inside one transaction."""

from counter_app.store.db import Database, SchemaTooNew, StoreError, Transaction

__all__ = ["Database", "SchemaTooNew", "StoreError", "Transaction"]
