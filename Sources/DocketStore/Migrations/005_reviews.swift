extension Migration {
    /// Review decisions and rules, customer confirmation, durable timers, change requests and revisions.
    static let m005Reviews = Migration(
        5, "reviews, review rules, confirmations, timers, change requests, revisions",
        shared: [
            """
            ALTER TABLE orders ADD COLUMN payment_method TEXT NOT NULL DEFAULT 'on_account'
                CONSTRAINT orders_payment_method_check CHECK (payment_method IN ('prepayment', 'on_account', 'cod'))
            """,
            "ALTER TABLE orders ADD COLUMN promised_date TEXT",
            "ALTER TABLE orders ADD COLUMN revision BIGINT NOT NULL DEFAULT 1",
            "ALTER TABLE orders ADD COLUMN customer_requirements TEXT",
            "CREATE INDEX orders_received_idx ON orders (received_at, id)",
            """
            CREATE TABLE order_reviews (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                stage TEXT NOT NULL CONSTRAINT order_reviews_stage_check CHECK (stage IN ('sales', 'finance', 'inventory', 'final')),
                decision TEXT NOT NULL CONSTRAINT order_reviews_decision_check CHECK (decision IN ('pass', 'reject', 'hold')),
                actor TEXT NOT NULL,
                rule_code TEXT,
                reason TEXT,
                assessment TEXT NOT NULL,
                decided_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX order_reviews_order_idx ON order_reviews (order_id, id)",
            """
            CREATE TABLE review_rules (
                id {{id}},
                code TEXT NOT NULL CONSTRAINT review_rules_code_key UNIQUE,
                name TEXT NOT NULL,
                stage TEXT NOT NULL CONSTRAINT review_rules_stage_check CHECK (stage IN ('sales', 'finance', 'inventory', 'final')),
                conditions TEXT NOT NULL,
                notes TEXT,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE order_confirmations (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                token_hash TEXT NOT NULL CONSTRAINT order_confirmations_token_key UNIQUE,
                created_at BIGINT NOT NULL,
                deadline_at BIGINT NOT NULL,
                closed_at BIGINT,
                outcome TEXT CONSTRAINT order_confirmations_outcome_check CHECK (outcome IS NULL OR outcome IN
                    ('confirmed', 'change_requested', 'superseded', 'closed'))
            )
            """,
            "CREATE INDEX order_confirmations_order_idx ON order_confirmations (order_id, id)",
            """
            CREATE TABLE timers (
                id {{id}},
                kind TEXT NOT NULL CONSTRAINT timers_kind_check CHECK (kind IN ('confirmation_reminder', 'confirmation_deadline')),
                order_id BIGINT NOT NULL REFERENCES orders (id),
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
            "CREATE INDEX timers_due_idx ON timers (done_at, due_at)",
            "CREATE UNIQUE INDEX timers_pending_key ON timers (kind, order_id) WHERE done_at IS NULL",
            """
            CREATE TABLE order_change_requests (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                status TEXT NOT NULL CONSTRAINT order_change_requests_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
                source TEXT NOT NULL CONSTRAINT order_change_requests_source_check CHECK (source IN ('staff', 'customer')),
                base_revision BIGINT NOT NULL,
                edit TEXT NOT NULL,
                message TEXT,
                assessment TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                requested_at BIGINT NOT NULL,
                decided_by TEXT,
                decided_at BIGINT,
                decision_reason TEXT,
                revision BIGINT
            )
            """,
            "CREATE INDEX order_change_requests_order_idx ON order_change_requests (order_id, id)",
            "CREATE INDEX order_change_requests_status_idx ON order_change_requests (status, id)",
            """
            CREATE TABLE order_revisions (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                revision BIGINT NOT NULL,
                change_request_id BIGINT REFERENCES order_change_requests (id),
                actor TEXT NOT NULL,
                reason TEXT,
                diff TEXT NOT NULL,
                snapshot TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                CONSTRAINT order_revisions_key UNIQUE (order_id, revision)
            )
            """,
        ])
}
