extension Migration {
    /// Login throttling counted before the password check (a row per account and per address that concurrent
    /// attempts lock in turn), and the key that makes a marketplace's re-push one change request however often it
    /// is retried.
    static let m006Hardening = Migration(
        6, "login throttle locks, change request keys",
        shared: [
            "CREATE TABLE login_throttles (key TEXT PRIMARY KEY, touched_at BIGINT NOT NULL)",
            "ALTER TABLE order_change_requests ADD COLUMN request_key TEXT",
            "CREATE UNIQUE INDEX order_change_requests_request_key ON order_change_requests (order_id, request_key)",
        ])
}
