extension Migration {
    /// A customer's order history newest first reads from one index at any size (issue 11, measured at 10M orders):
    /// (customer, received, id) replaces (customer, id), which served the same look-ups but made every history page
    /// sort all of the customer's orders.
    static let m012OrderHistory = Migration(
        12, "customer order history index",
        shared: [
            "CREATE INDEX orders_customer_received_idx ON orders (customer_code, received_at, id)",
            "DROP INDEX orders_customer_idx",
        ])
}
