extension Migration {
    /// Timers belong to a subject (kind + id), not only to orders, and take any kind Core defines (the table no
    /// longer lists them); the outbox gets the lease its relay claims messages with.
    static let m007SubjectsAndRelay = Migration(
        7, "timers by subject, outbox leases",
        shared: [
            """
            CREATE TABLE timers_new (
                id {{id}},
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                subject_id BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_until BIGINT,
                attempts INTEGER NOT NULL,
                done_at BIGINT,
                outcome TEXT,
                last_error TEXT
            )
            """,
            """
            INSERT INTO timers_new (id, kind, subject, subject_id, due_at, created_at, lease_owner, lease_until, attempts, done_at,
                                    outcome, last_error)
            SELECT id, kind, 'order', order_id, due_at, created_at, lease_owner, lease_until, attempts, done_at, outcome, last_error
            FROM timers
            """,
            "DROP TABLE timers",
            "ALTER TABLE timers_new RENAME TO timers",
            "CREATE INDEX timers_due_idx ON timers (done_at, due_at)",
            "CREATE INDEX timers_subject_idx ON timers (subject, subject_id)",
            "CREATE UNIQUE INDEX timers_pending_key ON timers (kind, subject, subject_id) WHERE done_at IS NULL",
            "ALTER TABLE outbox ADD COLUMN lease_owner TEXT",
            "ALTER TABLE outbox ADD COLUMN lease_until BIGINT",
        ],
        postgres: [
            // Rows copied with their ids do not move the identity on: continue after the highest.
            "SELECT setval(pg_get_serial_sequence('timers', 'id'), COALESCE((SELECT MAX(id) FROM timers), 0) + 1, false)"
        ])
}
