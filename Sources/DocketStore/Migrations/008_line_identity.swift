extension Migration {
    /// Order lines are revised in place and keep their ids; a line a revision removes is marked, not deleted.
    static let m008LineIdentity = Migration(
        8, "order lines kept across revisions",
        shared: ["ALTER TABLE order_lines ADD COLUMN removed_in_revision BIGINT"])
}
