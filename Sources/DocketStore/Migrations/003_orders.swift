extension Migration {
    static let m003Orders = Migration(
        3, "orders, order lines, numbering, idempotency keys, outbox",
        shared: [
            "CREATE TABLE order_number_counters (day TEXT PRIMARY KEY, last_value BIGINT NOT NULL)",
            """
            CREATE TABLE orders (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT orders_number_key UNIQUE,
                channel TEXT NOT NULL CONSTRAINT orders_channel_check CHECK (channel IN
                    ('web', 'api', 'shop', 'taobao', 'jd', 'pinduoduo', 'phone', 'fax', 'email')),
                external_ref TEXT,
                customer_code TEXT NOT NULL,
                customer_id BIGINT REFERENCES customers (id),
                type TEXT NOT NULL CONSTRAINT orders_type_check CHECK (type IN ('STOCK', 'RUSH', 'VOR')),
                urgent BOOLEAN NOT NULL,
                status TEXT NOT NULL CONSTRAINT orders_status_check CHECK (status IN
                    ('received', 'needs_info', 'review_sales', 'review_finance', 'review_inventory', 'review_final', 'awaiting_confirmation', 'confirmed', 'on_hold', 'suspended', 'cancelled', 'allocated', 'in_production', 'picking', 'packed', 'shipped', 'delivered', 'completed', 'archived')),
                held_from TEXT CONSTRAINT orders_held_from_check CHECK (held_from IS NULL OR status = 'on_hold'),
                contact_name TEXT,
                contact_phone TEXT,
                delivery_address TEXT,
                requested_date TEXT,
                total_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                problems TEXT NOT NULL,
                notes TEXT,
                received_at BIGINT NOT NULL,
                version BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                CONSTRAINT orders_external_key UNIQUE (channel, external_ref)
            )
            """,
            "CREATE INDEX orders_status_idx ON orders (status, id)",
            "CREATE INDEX orders_customer_idx ON orders (customer_code, id)",
            """
            CREATE TABLE order_lines (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                line_no INTEGER NOT NULL,
                sku TEXT NOT NULL,
                description TEXT NOT NULL,
                quantity BIGINT NOT NULL CONSTRAINT order_lines_quantity_check CHECK (quantity >= 0),
                unit_price_minor BIGINT NOT NULL,
                list_price_minor BIGINT,
                currency TEXT NOT NULL,
                amount_minor BIGINT NOT NULL,
                price_override BOOLEAN NOT NULL,
                CONSTRAINT order_lines_key UNIQUE (order_id, line_no)
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                idempotency_key TEXT PRIMARY KEY,
                request_hash TEXT NOT NULL,
                order_id BIGINT NOT NULL REFERENCES orders (id),
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE outbox (
                id {{id}},
                created_at BIGINT NOT NULL,
                topic TEXT NOT NULL,
                aggregate TEXT NOT NULL,
                aggregate_id BIGINT,
                payload TEXT NOT NULL,
                available_at BIGINT NOT NULL,
                attempts INTEGER NOT NULL,
                delivered_at BIGINT,
                last_error TEXT
            )
            """,
            "CREATE INDEX outbox_pending_idx ON outbox (delivered_at, available_at, id)",
        ])
}
