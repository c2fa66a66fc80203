"""Reads from a PostgreSQL read replica, only where the code asks for it.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router. Nothing reads from the
replica by default: a ward's staff who save and then reload must see their own write, and a replica runs
behind its primary (replication lag). Only code inside `reading_from_replica()` (the dashboards, the
report pages and downloads, and the read of a report build's figures) has its reads sent there. Every write
goes to "default", inside the block too; only "default" is migrated.

Without a replica (DATABASE_REPLICA_URL unset) the router is not installed and `reading_from_replica()`
changes nothing. A read inside a transaction on "default" stays there, block or not.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

DEFAULT, REPLICA = "default", "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Send the reads inside the block to the replica (when there is one); writes still go to "default".

    Use it only around code that reads what others wrote (dashboards, reports, exports): what the user has
    just saved may not be on the replica yet. Also a decorator: `@reading_from_replica()`.
    """
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads inside `reading_from_replica()` go to the replica; everything else to "default"."""

    def db_for_read(self, model, **hints) -> str:
        # Inside a transaction on "default" a write is under way (a service, a rollup refresh): what it
        # reads must include what it has written, so it reads "default" even inside the block.
        if _replica_reads.get() and replica_configured() and not connections[DEFAULT].in_atomic_block:
            return REPLICA
        # Not None: an object read from the replica must not pull its relations from there afterwards.
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == DEFAULT
