extension Migration {
    /// Customer self-service and exceptions (issue 13). A customer reaches an order's tracking page by a link from a
    /// message (`tracking_links`: only the token's hash is kept, each link expires) or by the order number and a phone
    /// number on the order (`lookup_attempts` counts the tries per address and per order number, throttled like
    /// signing in). A problem the customer reports there opens an exception (异常): what went wrong, how bad, from
    /// whom, who owns it and by when it must be handled — the queue staff work from, worst first.
    static let m018SelfService = Migration(
        18, "tracking links, lookup attempts, exceptions",
        shared: [
            """
            CREATE TABLE tracking_links (
                token_hash TEXT PRIMARY KEY,
                order_id BIGINT NOT NULL REFERENCES orders (id),
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX tracking_links_order_idx ON tracking_links (order_id)",
            """
            CREATE TABLE lookup_attempts (
                id {{id}},
                occurred_at BIGINT NOT NULL,
                subject TEXT NOT NULL,
                ip TEXT NOT NULL,
                succeeded BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX lookup_attempts_subject_idx ON lookup_attempts (subject, occurred_at)",
            "CREATE INDEX lookup_attempts_ip_idx ON lookup_attempts (ip, occurred_at)",
            """
            CREATE TABLE order_exceptions (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT order_exceptions_number_key UNIQUE,
                order_id BIGINT NOT NULL REFERENCES orders (id),
                shipment_id BIGINT REFERENCES shipments (id),
                kind TEXT NOT NULL CONSTRAINT order_exceptions_kind_check CHECK (kind IN
                    ('delay', 'lost', 'damaged', 'quality', 'wrong_goods', 'other')),
                severity TEXT NOT NULL CONSTRAINT order_exceptions_severity_check CHECK (severity IN ('low', 'normal', 'high', 'critical')),
                source TEXT NOT NULL CONSTRAINT order_exceptions_source_check CHECK (source IN ('staff', 'customer', 'carrier', 'system')),
                status TEXT NOT NULL CONSTRAINT order_exceptions_status_check CHECK (status IN ('open', 'resolved')),
                description TEXT NOT NULL,
                contact TEXT,
                owner TEXT,
                due_at BIGINT NOT NULL,
                opened_by TEXT NOT NULL,
                opened_at BIGINT NOT NULL,
                resolution TEXT,
                resolution_note TEXT,
                resolved_by TEXT,
                resolved_at BIGINT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX order_exceptions_open_idx ON order_exceptions (status, due_at, id)",
            "CREATE INDEX order_exceptions_order_idx ON order_exceptions (order_id, id)",
        ])
}
