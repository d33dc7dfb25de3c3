extension Migration {
    static let m001MasterData = Migration(
        1, "master data, stock ledger, users, audit",
        shared: [
            """
            CREATE TABLE audit_events (
                id {{id}},
                occurred_at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id BIGINT,
                data TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id)",
            """
            CREATE TABLE users (
                id {{id}},
                username TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                roles TEXT NOT NULL,
                language TEXT NOT NULL CONSTRAINT users_language_check CHECK (language IN ('zh-CN', 'en')),
                active BOOLEAN NOT NULL,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE customers (
                id {{id}},
                code TEXT NOT NULL CONSTRAINT customers_code_key UNIQUE,
                name TEXT NOT NULL,
                credit_limit_minor BIGINT NOT NULL CONSTRAINT customers_credit_limit_check CHECK (credit_limit_minor >= 0),
                currency TEXT NOT NULL,
                payment_terms_days INTEGER NOT NULL
                    CONSTRAINT customers_payment_terms_check CHECK (payment_terms_days BETWEEN 0 AND 365),
                credit_rating TEXT NOT NULL CONSTRAINT customers_credit_rating_check CHECK (credit_rating IN ('A', 'B', 'C', 'D')),
                contacts TEXT NOT NULL,
                addresses TEXT NOT NULL,
                invoice TEXT,
                notes TEXT,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE suppliers (
                id {{id}},
                code TEXT NOT NULL CONSTRAINT suppliers_code_key UNIQUE,
                name TEXT NOT NULL,
                contact_name TEXT,
                phone TEXT,
                email TEXT,
                address TEXT,
                lead_time_days INTEGER NOT NULL CONSTRAINT suppliers_lead_time_check CHECK (lead_time_days BETWEEN 0 AND 365),
                notes TEXT,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE products (
                id {{id}},
                sku TEXT NOT NULL CONSTRAINT products_sku_key UNIQUE,
                name_zh TEXT NOT NULL,
                name_en TEXT,
                unit TEXT NOT NULL,
                list_price_minor BIGINT NOT NULL CONSTRAINT products_list_price_check CHECK (list_price_minor >= 0),
                currency TEXT NOT NULL,
                weight_grams BIGINT NOT NULL CONSTRAINT products_weight_check CHECK (weight_grams >= 0),
                volume_cm3 BIGINT NOT NULL CONSTRAINT products_volume_check CHECK (volume_cm3 >= 0),
                length_mm BIGINT,
                width_mm BIGINT,
                height_mm BIGINT,
                fragile BOOLEAN NOT NULL,
                liquid BOOLEAN NOT NULL,
                shelf_life_days INTEGER CONSTRAINT products_shelf_life_check CHECK (shelf_life_days IS NULL OR shelf_life_days > 0),
                lot_tracked BOOLEAN NOT NULL,
                make_to_order BOOLEAN NOT NULL,
                sellable BOOLEAN NOT NULL,
                default_supplier_code TEXT REFERENCES suppliers (code),
                substitute_skus TEXT NOT NULL,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                CONSTRAINT products_shelf_life_lot_check CHECK (shelf_life_days IS NULL OR lot_tracked)
            )
            """,
            """
            CREATE TABLE warehouses (
                id {{id}},
                code TEXT NOT NULL CONSTRAINT warehouses_code_key UNIQUE,
                name TEXT NOT NULL,
                region TEXT NOT NULL,
                address TEXT NOT NULL,
                latitude DOUBLE PRECISION NOT NULL,
                longitude DOUBLE PRECISION NOT NULL,
                active BOOLEAN NOT NULL,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE locations (
                id {{id}},
                warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                code TEXT NOT NULL,
                name TEXT,
                zone TEXT,
                active BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                CONSTRAINT locations_code_key UNIQUE (warehouse_id, code),
                CONSTRAINT locations_id_warehouse_key UNIQUE (id, warehouse_id)
            )
            """,
            """
            CREATE TABLE carriers (
                id {{id}},
                code TEXT NOT NULL CONSTRAINT carriers_code_key UNIQUE,
                name TEXT NOT NULL,
                phone TEXT,
                website TEXT,
                active BOOLEAN NOT NULL,
                services TEXT NOT NULL,
                search_text TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                version BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE stock_lots (
                id {{id}},
                product_id BIGINT NOT NULL REFERENCES products (id),
                warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
                location_id BIGINT NOT NULL,
                lot_code TEXT NOT NULL,
                expiry_date TEXT,
                first_received_at BIGINT NOT NULL,
                last_received_at BIGINT NOT NULL,
                on_hand BIGINT NOT NULL,
                reserved BIGINT NOT NULL,
                version BIGINT NOT NULL,
                CONSTRAINT stock_lots_key UNIQUE (product_id, location_id, lot_code),
                CONSTRAINT stock_lots_quantities_check CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand),
                CONSTRAINT stock_lots_location_fk FOREIGN KEY (location_id, warehouse_id)
                    REFERENCES locations (id, warehouse_id)
            )
            """,
            "CREATE INDEX stock_lots_product_idx ON stock_lots (product_id, warehouse_id)",
            """
            CREATE TABLE stock_movements (
                id {{id}},
                occurred_at BIGINT NOT NULL,
                kind TEXT NOT NULL CONSTRAINT stock_movements_kind_check CHECK (kind IN
                    ('receipt', 'reservation', 'release', 'pick', 'shipment', 'transferOut', 'transferIn',
                     'adjustment', 'return')),
                lot_id BIGINT NOT NULL REFERENCES stock_lots (id),
                quantity BIGINT NOT NULL,
                reserved_delta BIGINT NOT NULL,
                reference TEXT,
                note TEXT,
                actor TEXT NOT NULL
            )
            """,
            "CREATE INDEX stock_movements_lot_idx ON stock_movements (lot_id, id)",
        ],
        // The audit log and the stock ledger are append-only: the database itself refuses edits.
        sqlite: [
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
            "CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
            "CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
        ],
        postgres: [
            """
            CREATE FUNCTION docket_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END
            $$
            """,
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION docket_append_only()",
            "CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements FOR EACH ROW EXECUTE FUNCTION docket_append_only()",
        ])
}
