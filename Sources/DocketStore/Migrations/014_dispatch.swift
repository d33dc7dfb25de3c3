extension Migration {
    /// Fulfilment after the pick (issue 12): packages, the carrier chosen and why, tracking events (a carrier's
    /// retried or duplicated event is one row: unique by source and the carrier's event id), the customer's sign-off
    /// with its proof of delivery (回单, kept in the database as base64 so every node serves it), after-sales cases
    /// opened by refusals, and the carriers' webhook secrets. The orders' status check learns 部分发货
    /// (`partially_shipped`). SQLite cannot alter a CHECK constraint and `orders` is referenced by many tables, so its
    /// stored definition is widened in place (SQLite's documented procedure for loosening a CHECK: every row already
    /// satisfies it) and the connection reloads the schema.
    static let m014Dispatch = Migration(
        14, "packages, carrier choice, tracking, sign-off, cases",
        shared: [
            "ALTER TABLE shipments ADD COLUMN carrier_record TEXT",
            "ALTER TABLE shipments ADD COLUMN planned_eta TEXT",
            "ALTER TABLE shipments ADD COLUMN signer TEXT",
            "ALTER TABLE shipments ADD COLUMN signed_at BIGINT",
            "CREATE INDEX shipments_tracking_idx ON shipments (carrier_code, tracking_number)",
            """
            CREATE TABLE shipment_packages (
                shipment_id BIGINT NOT NULL REFERENCES shipments (id),
                seq INTEGER NOT NULL,
                weight_grams BIGINT NOT NULL,
                volume_cm3 BIGINT NOT NULL,
                length_mm BIGINT NOT NULL,
                width_mm BIGINT NOT NULL,
                height_mm BIGINT NOT NULL,
                handling TEXT NOT NULL,
                contents TEXT NOT NULL,
                PRIMARY KEY (shipment_id, seq)
            )
            """,
            """
            CREATE TABLE tracking_events (
                id {{id}},
                shipment_id BIGINT NOT NULL REFERENCES shipments (id),
                source TEXT NOT NULL,
                event_key TEXT NOT NULL,
                kind TEXT NOT NULL CONSTRAINT tracking_events_kind_check CHECK (kind IN
                    ('picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception')),
                occurred_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                location TEXT,
                note TEXT,
                eta TEXT,
                signer TEXT,
                actor TEXT NOT NULL,
                CONSTRAINT tracking_events_key UNIQUE (source, event_key)
            )
            """,
            "CREATE INDEX tracking_events_shipment_idx ON tracking_events (shipment_id, occurred_at)",
            """
            CREATE TABLE delivery_proofs (
                shipment_id BIGINT PRIMARY KEY REFERENCES shipments (id),
                file_name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                data TEXT NOT NULL,
                uploaded_by TEXT NOT NULL,
                uploaded_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE after_sales_cases (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT after_sales_cases_number_key UNIQUE,
                order_id BIGINT NOT NULL REFERENCES orders (id),
                shipment_id BIGINT NOT NULL REFERENCES shipments (id),
                kind TEXT NOT NULL,
                status TEXT NOT NULL CONSTRAINT after_sales_cases_status_check CHECK (status IN ('open', 'closed')),
                lines TEXT NOT NULL,
                opened_by TEXT NOT NULL,
                opened_at BIGINT NOT NULL,
                returned_at BIGINT,
                resolution TEXT,
                resolution_note TEXT,
                closed_by TEXT,
                closed_at BIGINT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX after_sales_cases_order_idx ON after_sales_cases (order_id)",
            "CREATE INDEX after_sales_cases_status_idx ON after_sales_cases (status, id)",
            """
            CREATE TABLE carrier_secrets (
                carrier_code TEXT PRIMARY KEY,
                secret TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
        ],
        sqlite: [
            "PRAGMA writable_schema = ON",
            """
            UPDATE sqlite_schema SET sql = replace(sql, '''packed'', ''shipped''', '''packed'', ''partially_shipped'', ''shipped''')
            WHERE type = 'table' AND name = 'orders' AND sql NOT LIKE '%partially_shipped%'
            """,
            "PRAGMA writable_schema = RESET",
        ],
        postgres: [
            "ALTER TABLE orders DROP CONSTRAINT orders_status_check",
            """
            ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN
                ('received', 'needs_info', 'review_sales', 'review_finance', 'review_inventory', 'review_final', 'awaiting_confirmation',
                 'confirmed', 'on_hold', 'suspended', 'cancelled', 'allocated', 'in_production', 'picking', 'packed', 'partially_shipped',
                 'shipped', 'delivered', 'completed', 'archived'))
            """,
        ])
}
