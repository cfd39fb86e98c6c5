"""The schema as an ordered list of migrations, in SQL that SQLite and PostgreSQL both accept.

Migration N (1-based) is applied once, inside one transaction with the others pending at open, and
recorded in `schema_version`. Never edit a released migration; append a new one. Both backends run
every statement as written (the store tests run on both), so keep to the common SQL: TEXT, BIGINT,
INTEGER, BOOLEAN, CREATE TABLE/INDEX, ALTER TABLE ... ADD COLUMN.
"""

from __future__ import annotations

Migration = tuple[str, ...]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: sessions, bookings ledger with history, time-based messages (issues 4 and 5).
    (
        """CREATE TABLE sessions (
            chat_id BIGINT PRIMARY KEY,
            data TEXT NOT NULL
        )""",
        """CREATE TABLE bookings (
            appointment_id TEXT PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            user_id BIGINT NOT NULL,
            service_id TEXT NOT NULL,
            service_name TEXT NOT NULL,
            start_at TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            status TEXT NOT NULL,
            language TEXT NOT NULL,
            contact_name TEXT NOT NULL,
            booking_code TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX bookings_chat_start ON bookings (chat_id, start_at)",
        "CREATE INDEX bookings_start ON bookings (start_at)",
        "CREATE INDEX bookings_code ON bookings (lower(booking_code))",
        """CREATE TABLE booking_events (
            appointment_id TEXT NOT NULL
                REFERENCES bookings (appointment_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            details TEXT NOT NULL,
            PRIMARY KEY (appointment_id, seq)
        )""",
        """CREATE TABLE scheduled_messages (
            key TEXT PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            due_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            sent BOOLEAN NOT NULL DEFAULT FALSE
        )""",
        "CREATE INDEX scheduled_due ON scheduled_messages (sent, due_at)",
        "CREATE INDEX scheduled_chat ON scheduled_messages (chat_id)",
    ),
    # 2: statistics and the health check's write probe (issue 6).
    (
        """CREATE TABLE metrics (
            kind TEXT NOT NULL,
            chat_id BIGINT,
            occurred_at TEXT NOT NULL,
            details TEXT NOT NULL
        )""",
        "CREATE INDEX metrics_time ON metrics (occurred_at)",
        "CREATE INDEX metrics_chat ON metrics (chat_id)",
        """CREATE TABLE heartbeat (
            id INTEGER PRIMARY KEY,
            beats BIGINT NOT NULL
        )""",
    ),
    # 3: staff preferences, staff confirmations awaiting a tap, holds in progress (issue 6).
    (
        """CREATE TABLE staff_prefs (
            user_id BIGINT PRIMARY KEY,
            notify BOOLEAN NOT NULL,
            language TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE staff_actions (
            token TEXT PRIMARY KEY,
            user_id BIGINT NOT NULL,
            chat_id BIGINT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL
        )""",
        "CREATE INDEX staff_actions_chat ON staff_actions (chat_id)",
        """CREATE TABLE holds (
            hold_id TEXT PRIMARY KEY,
            chat_id BIGINT,
            service_id TEXT NOT NULL,
            start_at TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            expires_at TEXT NOT NULL,
            placed_at TEXT NOT NULL
        )""",
        "CREATE INDEX holds_expiry ON holds (expires_at)",
        "CREATE INDEX holds_chat ON holds (chat_id)",
    ),
    # 4: Telegram update ids already taken, so a redelivered update is not handled twice (issue 10).
    (
        """CREATE TABLE processed_updates (
            update_id BIGINT PRIMARY KEY,
            outcome TEXT NOT NULL,
            claimed_at TEXT NOT NULL
        )""",
        "CREATE INDEX processed_updates_time ON processed_updates (claimed_at)",
    ),
    # 5: Zimun writes as intents, recorded before the call and deleted once settled (issue 10).
    (
        """CREATE TABLE zimun_intents (
            idempotency_key TEXT PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            kind TEXT NOT NULL,
            args TEXT NOT NULL,
            context TEXT NOT NULL,
            state TEXT NOT NULL,
            result TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX zimun_intents_chat ON zimun_intents (chat_id, created_at)",
    ),
    # 6: a scheduled message is claimed by one instance until its lease ends (issue 12).
    ("ALTER TABLE scheduled_messages ADD COLUMN claimed_until TEXT",),
    # 7: the waiting list, one entry per chat, day and service (issue 13, item 2).
    (
        """CREATE TABLE waitlist (
            chat_id BIGINT NOT NULL,
            service_id TEXT NOT NULL,
            service_name TEXT NOT NULL,
            day TEXT NOT NULL,
            language TEXT NOT NULL,
            created_at TEXT NOT NULL,
            window_start TEXT,
            window_end TEXT,
            passed TEXT NOT NULL,
            PRIMARY KEY (chat_id, day, service_id)
        )""",
        "CREATE INDEX waitlist_day ON waitlist (day, service_id, created_at)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
