extension Migration {
    /// Notification delivery (issue 13). The outbox row is the event; the relay turns each into one delivery per
    /// recipient — the customer's e-mail or SMS, each webhook subscription that listens to the topic — rendered in
    /// the customer's language, and each delivery is sent, retried with a growing delay and, after the last attempt,
    /// kept as a dead letter someone can send again. A delivery is unique per message, channel and recipient, so a
    /// relay that dies half-way and is taken over never makes two.
    static let m016Notifications = Migration(
        16, "customer language, webhook subscriptions, deliveries",
        shared: [
            "ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT 'zh-CN'",
            """
            CREATE TABLE webhook_subscriptions (
                id {{id}},
                name TEXT NOT NULL,
                url TEXT NOT NULL,
                topics TEXT NOT NULL,
                secret TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE deliveries (
                id {{id}},
                outbox_id BIGINT NOT NULL REFERENCES outbox (id),
                channel TEXT NOT NULL CONSTRAINT deliveries_channel_check CHECK (channel IN ('email', 'sms', 'webhook')),
                recipient TEXT NOT NULL,
                subscription_id BIGINT REFERENCES webhook_subscriptions (id),
                topic TEXT NOT NULL,
                order_id BIGINT,
                subject TEXT,
                body TEXT NOT NULL,
                status TEXT NOT NULL CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts INTEGER NOT NULL,
                available_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_until BIGINT,
                last_error TEXT,
                delivered_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX deliveries_key ON deliveries (outbox_id, channel, recipient)",
            "CREATE INDEX deliveries_pending_idx ON deliveries (status, available_at, id)",
            "CREATE INDEX deliveries_order_idx ON deliveries (order_id, id)",
        ])
}
