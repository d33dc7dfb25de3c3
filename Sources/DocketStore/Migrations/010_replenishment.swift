extension Migration {
    /// Replenishment (issue 10): transfers between warehouses with the source lots they hold and ship, purchase
    /// orders with their lines, and what the desk chose for each short line.
    static let m010Replenishment = Migration(
        10, "transfers, purchase orders and shortage decisions",
        shared: [
            """
            CREATE TABLE transfers (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT transfers_number_key UNIQUE,
                product_id BIGINT NOT NULL REFERENCES products (id),
                from_warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                to_warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                quantity BIGINT NOT NULL CONSTRAINT transfers_quantity_check CHECK (quantity > 0),
                status TEXT NOT NULL CONSTRAINT transfers_status_check CHECK (status IN ('requested', 'inTransit', 'received', 'cancelled')),
                eta TEXT,
                order_id BIGINT REFERENCES orders (id),
                line_id BIGINT,
                note TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                shipped_at BIGINT,
                received_at BIGINT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX transfers_status_idx ON transfers (status, id)",
            """
            CREATE TABLE transfer_lots (
                transfer_id BIGINT NOT NULL REFERENCES transfers (id),
                lot_id BIGINT NOT NULL REFERENCES stock_lots (id),
                quantity BIGINT NOT NULL CONSTRAINT transfer_lots_quantity_check CHECK (quantity > 0),
                PRIMARY KEY (transfer_id, lot_id)
            )
            """,
            "CREATE INDEX transfer_lots_lot_idx ON transfer_lots (lot_id)",
            """
            CREATE TABLE purchase_orders (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT purchase_orders_number_key UNIQUE,
                supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
                warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                status TEXT NOT NULL CONSTRAINT purchase_orders_status_check CHECK (status IN ('ordered', 'partiallyReceived', 'received', 'cancelled')),
                eta TEXT,
                order_id BIGINT REFERENCES orders (id),
                line_id BIGINT,
                note TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX purchase_orders_status_idx ON purchase_orders (status, id)",
            """
            CREATE TABLE purchase_order_lines (
                id {{id}},
                purchase_order_id BIGINT NOT NULL REFERENCES purchase_orders (id),
                product_id BIGINT NOT NULL REFERENCES products (id),
                quantity BIGINT NOT NULL CONSTRAINT purchase_order_lines_quantity_check CHECK (quantity > 0),
                received BIGINT NOT NULL CONSTRAINT purchase_order_lines_received_check CHECK (received >= 0 AND received <= quantity),
                CONSTRAINT purchase_order_lines_key UNIQUE (purchase_order_id, product_id)
            )
            """,
            "CREATE INDEX purchase_order_lines_product_idx ON purchase_order_lines (product_id)",
            """
            CREATE TABLE shortage_decisions (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                line_id BIGINT NOT NULL,
                kind TEXT NOT NULL,
                option TEXT NOT NULL,
                reference TEXT,
                reason TEXT,
                actor TEXT NOT NULL,
                decided_at BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                CONSTRAINT shortage_decisions_seq_key UNIQUE (order_id, line_id, seq)
            )
            """,
            "CREATE INDEX shortage_decisions_order_idx ON shortage_decisions (order_id, line_id)",
        ])
}
