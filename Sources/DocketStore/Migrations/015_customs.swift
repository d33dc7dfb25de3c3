extension Migration {
    /// Customs data on products (issue 12): the HS code (海关编码) and the country of origin (原产地) a cross-border
    /// shipment's declaration lists per line. Both optional: domestic goods need neither.
    static let m015Customs = Migration(
        15, "products' HS code and origin",
        shared: [
            "ALTER TABLE products ADD COLUMN hs_code TEXT",
            "ALTER TABLE products ADD COLUMN origin_country TEXT",
        ])
}
