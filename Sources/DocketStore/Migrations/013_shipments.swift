extension Migration {
    /// Fulfilment (issue 12): an order released to the warehouses leaves as one shipment per warehouse (`shipments`),
    /// each listing the lots it takes per order line and what the picker found (`shipment_lines`).
    static let m013Shipments = Migration(
        13, "shipments and their lines",
        shared: [
            """
            CREATE TABLE shipments (
                id {{id}},
                number TEXT NOT NULL CONSTRAINT shipments_number_key UNIQUE,
                order_id BIGINT NOT NULL REFERENCES orders (id),
                warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                status TEXT NOT NULL CONSTRAINT shipments_status_check CHECK (status IN
                    ('to_pick', 'picked', 'packed', 'shipped', 'exception', 'delivered', 'refused', 'cancelled')),
                carrier_code TEXT,
                service_code TEXT,
                tracking_number TEXT,
                eta TEXT,
                created_at BIGINT NOT NULL,
                picked_at BIGINT,
                packed_at BIGINT,
                shipped_at BIGINT,
                delivered_at BIGINT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX shipments_order_idx ON shipments (order_id)",
            "CREATE INDEX shipments_queue_idx ON shipments (status, warehouse_id, id)",
            """
            CREATE TABLE shipment_lines (
                shipment_id BIGINT NOT NULL REFERENCES shipments (id),
                line_id BIGINT NOT NULL,
                lot_id BIGINT NOT NULL REFERENCES stock_lots (id),
                quantity BIGINT NOT NULL CONSTRAINT shipment_lines_quantity_check CHECK (quantity > 0),
                picked BIGINT CONSTRAINT shipment_lines_picked_check CHECK (picked >= 0 AND picked <= quantity),
                PRIMARY KEY (shipment_id, line_id, lot_id)
            )
            """,
            "CREATE INDEX shipment_lines_lot_idx ON shipment_lines (lot_id)",
        ])
}
