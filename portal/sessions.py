"""Database sessions that remember when they expire (SESSION_ENGINE = "portal.sessions").

Django's database store reads a session's expiry and drops it; IdleSessionMiddleware needs it to tell
how long ago a session was last saved, without keeping (and writing) a timestamp of its own.
"""

from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    expire_date: datetime | None = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.expire_date = row.expire_date if row is not None else None
        return row
