"""Alembic's entry for the corrections migrations: runs them on the connection
that corrections.migrate hands over (online only; no offline SQL scripts)."""

from alembic import context

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the corrections migrations with `python -m corrections upgrade`")

context.configure(
    connection=connection,
    target_metadata=None,
    version_table=config.attributes.get("version_table", "corrections_version"),
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
