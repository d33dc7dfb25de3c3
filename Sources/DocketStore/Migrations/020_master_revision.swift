extension Migration {
    /// Master data's revision (issue 11). Customers, products, warehouses, carriers and review rules are read by
    /// every order and change rarely: each write to them (and each later migration) moves `master_revision` on in
    /// the same transaction, so a node may answer a read snapshot that sees a revision with the master rows it read
    /// at that revision before (`MasterSnapshots`) instead of reading and decoding them again.
    static let m020MasterRevision = Migration(
        20, "master data revision",
        shared: [
            "CREATE TABLE master_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL)",
            "INSERT INTO master_revision (id, revision) VALUES (1, 1)",
        ])
}
