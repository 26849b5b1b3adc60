"""The local SQLite store: schema, migrations, and repositories used inside one transaction."""

from counter_app.store.db import Database, SchemaTooNew, StoreError, Transaction, fsync_path

__all__ = ["Database", "SchemaTooNew", "StoreError", "Transaction", "fsync_path"]
