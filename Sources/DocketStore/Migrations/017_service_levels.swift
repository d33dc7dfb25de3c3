extension Migration {
    /// Service levels (issue 13, 003): an order's service window starts when the customer confirms and ends its
    /// type's days later; the order keeps both moments (for the kanban's colours and the overdue list), and what was
    /// not delivered when the window ended is penalised once per order (`service_penalties`), with an exemption path.
    /// Orders confirmed before this migration get their confirmation time from their audit trail, the standard
    /// windows (STOCK 30 days, RUSH and VOR 7) and, when not yet delivered, their timer.
    static let m017ServiceLevels = Migration(
        17, "service windows and penalties",
        shared: [
            "ALTER TABLE orders ADD COLUMN confirmed_at BIGINT",
            "ALTER TABLE orders ADD COLUMN service_due_at BIGINT",
            """
            UPDATE orders SET confirmed_at = (
                SELECT MAX(e.occurred_at) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = orders.id AND e.action = 'confirm')
            WHERE status IN ('confirmed', 'allocated', 'in_production', 'picking', 'packed', 'partially_shipped', 'shipped', 'delivered',
                             'completed', 'archived', 'on_hold')
            """,
            """
            UPDATE orders SET service_due_at = confirmed_at + (CASE WHEN type = 'STOCK' THEN 30 ELSE 7 END) * 86400000
            WHERE confirmed_at IS NOT NULL
            """,
            """
            INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts)
            SELECT 'service_level', 'order', id, service_due_at, confirmed_at, 0 FROM orders
            WHERE service_due_at IS NOT NULL AND status NOT IN ('delivered', 'completed', 'archived', 'cancelled')
            """,
            "CREATE INDEX orders_service_due_idx ON orders (service_due_at, id)",
            """
            CREATE TABLE service_penalties (
                id {{id}},
                order_id BIGINT NOT NULL REFERENCES orders (id) CONSTRAINT service_penalties_order_key UNIQUE,
                month TEXT NOT NULL,
                due_at BIGINT NOT NULL,
                lines TEXT NOT NULL,
                base_minor BIGINT NOT NULL,
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                basis_points INTEGER NOT NULL,
                status TEXT NOT NULL CONSTRAINT service_penalties_status_check CHECK (status IN ('recorded', 'exempt')),
                exemption TEXT CONSTRAINT service_penalties_exemption_check CHECK ((status = 'exempt') = (exemption IS NOT NULL)),
                note TEXT,
                decided_by TEXT,
                decided_at BIGINT,
                created_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX service_penalties_month_idx ON service_penalties (month, id)",
        ])
}
