extension Migration {
    /// Working an exception to its end (issue 13): the words with the customer (`exception_contacts`), claims on the
    /// carrier or the insurer with what they paid (`exception_claims`) and their documents (`claim_documents`), money
    /// to the customer recorded for settlement (`settlement_items`), and the goods sent again (`reshipments`: what of
    /// which shipment a reship replaced, so the order owes it again and allocation serves it). A parcel lost on the
    /// way ends as a shipment `lost`. The system raises at most one open exception of a kind per order and shipment
    /// (`order_exceptions_watch_key`), so two nodes watching at once raise one.
    static let m019ExceptionHandling = Migration(
        19, "exception handling: contacts, claims, settlement, reships",
        shared: [
            """
            CREATE TABLE exception_contacts (
                id {{id}},
                exception_id BIGINT NOT NULL REFERENCES order_exceptions (id),
                channel TEXT NOT NULL CONSTRAINT exception_contacts_channel_check CHECK (channel IN
                    ('phone', 'email', 'sms', 'wechat', 'visit', 'other')),
                summary TEXT NOT NULL,
                actor TEXT NOT NULL,
                occurred_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX exception_contacts_exception_idx ON exception_contacts (exception_id, id)",
            """
            CREATE TABLE exception_claims (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT exception_claims_number_key UNIQUE,
                exception_id BIGINT NOT NULL REFERENCES order_exceptions (id),
                party TEXT NOT NULL CONSTRAINT exception_claims_party_check CHECK (party IN ('carrier', 'insurer')),
                claimed_minor BIGINT NOT NULL CONSTRAINT exception_claims_claimed_check CHECK (claimed_minor > 0),
                currency TEXT NOT NULL,
                reference TEXT,
                note TEXT,
                status TEXT NOT NULL CONSTRAINT exception_claims_status_check CHECK (status IN ('filed', 'accepted', 'rejected', 'paid')),
                recovered_minor BIGINT,
                filed_by TEXT NOT NULL,
                filed_at BIGINT NOT NULL,
                decided_by TEXT,
                decided_at BIGINT,
                version BIGINT NOT NULL,
                CONSTRAINT exception_claims_recovered_check CHECK (recovered_minor IS NULL OR (recovered_minor > 0 AND recovered_minor <= claimed_minor))
            )
            """,
            "CREATE INDEX exception_claims_exception_idx ON exception_claims (exception_id, id)",
            """
            CREATE TABLE claim_documents (
                id {{id}},
                claim_id BIGINT NOT NULL REFERENCES exception_claims (id),
                file_name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                content TEXT NOT NULL,
                uploaded_by TEXT NOT NULL,
                uploaded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX claim_documents_claim_idx ON claim_documents (claim_id, id)",
            """
            CREATE TABLE settlement_items (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                exception_id BIGINT REFERENCES order_exceptions (id),
                kind TEXT NOT NULL CONSTRAINT settlement_items_kind_check CHECK (kind IN ('refund', 'credit')),
                amount_minor BIGINT NOT NULL CONSTRAINT settlement_items_amount_check CHECK (amount_minor > 0),
                currency TEXT NOT NULL,
                note TEXT,
                status TEXT NOT NULL CONSTRAINT settlement_items_status_check CHECK (status IN ('open', 'settled')),
                recorded_by TEXT NOT NULL,
                recorded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX settlement_items_order_idx ON settlement_items (order_id, id)",
            "CREATE INDEX settlement_items_status_idx ON settlement_items (status, id)",
            """
            CREATE TABLE reshipments (
                id {{id}},
                exception_id BIGINT NOT NULL REFERENCES order_exceptions (id),
                shipment_id BIGINT NOT NULL REFERENCES shipments (id),
                line_id BIGINT NOT NULL REFERENCES order_lines (id),
                quantity BIGINT NOT NULL CONSTRAINT reshipments_quantity_check CHECK (quantity > 0),
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX reshipments_shipment_idx ON reshipments (shipment_id)",
            "CREATE INDEX reshipments_exception_idx ON reshipments (exception_id)",
            """
            CREATE UNIQUE INDEX order_exceptions_watch_key ON order_exceptions (order_id, kind, COALESCE(shipment_id, 0))
            WHERE status = 'open' AND source = 'system'
            """,
        ],
        sqlite: [
            "PRAGMA writable_schema = ON",
            """
            UPDATE sqlite_schema SET sql = replace(sql, '''refused'', ''cancelled'')', '''refused'', ''cancelled'', ''lost'')')
            WHERE type = 'table' AND name = 'shipments' AND sql NOT LIKE '%''lost''%'
            """,
            "PRAGMA writable_schema = RESET",
        ],
        postgres: [
            "ALTER TABLE shipments DROP CONSTRAINT shipments_status_check",
            """
            ALTER TABLE shipments ADD CONSTRAINT shipments_status_check CHECK (status IN
                ('to_pick', 'picked', 'packed', 'shipped', 'exception', 'delivered', 'refused', 'cancelled', 'lost'))
            """,
        ])
}
