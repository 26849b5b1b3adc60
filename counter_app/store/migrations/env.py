"""Alembic environment: migrations run on the connection the application hands over.

The application opens the database, begins its own (IMMEDIATE) transaction and passes
the connection in `config.attributes["connection"]`, so a migration and the check
before it happen under one write lock and roll back together.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
