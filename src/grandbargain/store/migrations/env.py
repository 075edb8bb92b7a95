"""Alembic's environment: run on the connection `store._db.migrate` hands over (never a URL
from a file, so no password is written anywhere)."""

from __future__ import annotations

from alembic import context

from grandbargain.store._models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
