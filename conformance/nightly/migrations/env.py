"""Alembic environment: always driven by ``conformance.nightly.store`` with an open connection.

There is no alembic.ini: the store hands over its connection, so the history is upgraded
by the same code (and in the same transaction) that is about to use it.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
