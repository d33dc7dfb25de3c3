extension Migration {
    /// Production (issue 10): production orders with their operations and milestones, their progress reports, and
    /// production output as a kind of stock movement (SQLite cannot alter a CHECK constraint: the append-only
    /// ledger is copied into a table that allows it, its triggers and index made again).
    static let m011Production = Migration(
        11, "production orders and output",
        shared: [
            """
            CREATE TABLE production_orders (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT production_orders_number_key UNIQUE,
                product_id BIGINT NOT NULL REFERENCES products (id),
                warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                quantity BIGINT NOT NULL CONSTRAINT production_orders_quantity_check CHECK (quantity > 0),
                produced BIGINT NOT NULL,
                status TEXT NOT NULL CONSTRAINT production_orders_status_check
                    CHECK (status IN ('awaitingSpec', 'planned', 'inProgress', 'completed', 'cancelled')),
                due_date TEXT NOT NULL,
                expected_date TEXT,
                at_risk BOOLEAN NOT NULL,
                specification TEXT,
                spec_confirmation TEXT,
                order_id BIGINT REFERENCES orders (id),
                line_id BIGINT,
                operations TEXT NOT NULL,
                milestones TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                version BIGINT NOT NULL,
                CONSTRAINT production_orders_produced_check CHECK (produced >= 0 AND produced <= quantity)
            )
            """,
            "CREATE INDEX production_orders_status_idx ON production_orders (status, due_date)",
            "CREATE INDEX production_orders_order_idx ON production_orders (order_id)",
            """
            CREATE TABLE production_reports (
                id {{id}},
                production_order_id BIGINT NOT NULL REFERENCES production_orders (id),
                produced BIGINT NOT NULL,
                operation TEXT,
                milestone TEXT,
                problem TEXT,
                expected_date TEXT,
                actor TEXT NOT NULL,
                reported_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX production_reports_order_idx ON production_reports (production_order_id, id)",
        ],
        sqlite: [
            """
            CREATE TABLE stock_movements_new (
                id INTEGER PRIMARY KEY,
                occurred_at BIGINT NOT NULL,
                kind TEXT NOT NULL CONSTRAINT stock_movements_kind_check CHECK (kind IN
                    ('receipt', 'reservation', 'release', 'pick', 'shipment', 'transferOut', 'transferIn',
                     'adjustment', 'return', 'production')),
                lot_id BIGINT NOT NULL REFERENCES stock_lots (id),
                quantity BIGINT NOT NULL,
                reserved_delta BIGINT NOT NULL,
                reference TEXT,
                note TEXT,
                actor TEXT NOT NULL
            )
            """,
            "INSERT INTO stock_movements_new SELECT id, occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor FROM stock_movements",
            "DROP TABLE stock_movements",
            "ALTER TABLE stock_movements_new RENAME TO stock_movements",
            "CREATE INDEX stock_movements_lot_idx ON stock_movements (lot_id, id)",
            "CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
            "CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
        ],
        postgres: [
            "ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check",
            """
            ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN
                ('receipt', 'reservation', 'release', 'pick', 'shipment', 'transferOut', 'transferIn', 'adjustment', 'return', 'production'))
            """,
        ])
}
