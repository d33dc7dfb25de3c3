extension Migration {
    /// Allocation (issue 10): a lot can be quarantined; reservations say which order line holds how much of which
    /// lot (soft until the customer confirms); an order's allocation plan is kept with its explanation.
    static let m009Reservations = Migration(
        9, "reservations and allocation plans",
        shared: [
            "ALTER TABLE stock_lots ADD COLUMN quarantined BOOLEAN NOT NULL DEFAULT FALSE",
            """
            CREATE TABLE reservations (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id),
                line_id BIGINT NOT NULL,
                lot_id BIGINT NOT NULL REFERENCES stock_lots (id),
                quantity BIGINT NOT NULL CONSTRAINT reservations_quantity_check CHECK (quantity > 0),
                firm BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                CONSTRAINT reservations_key UNIQUE (line_id, lot_id)
            )
            """,
            "CREATE INDEX reservations_order_idx ON reservations (order_id)",
            "CREATE INDEX reservations_lot_idx ON reservations (lot_id)",
            """
            CREATE TABLE order_allocations (
                order_id BIGINT PRIMARY KEY REFERENCES orders (id),
                status TEXT NOT NULL,
                firm BOOLEAN NOT NULL,
                plan TEXT NOT NULL,
                planned_at BIGINT NOT NULL,
                expires_at BIGINT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX order_allocations_status_idx ON order_allocations (status)",
        ])
}
