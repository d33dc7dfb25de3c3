import Foundation
import DocketCore
import DocketStore
import Testing

let clerk = Actor(.user, "clerk")

func sampleCustomer(_ code: String = "C001") -> Customer {
    Customer(
        code: code, name: "上海华联贸易有限公司",
        contacts: [Contact(name: "王芳", phone: "13812345678", email: "wang@example.cn", isPrimary: true)],
        addresses: [
            Address(province: "上海市", city: "上海市", district: "浦东新区", street: "张江路 100 号", postcode: "201203",
                latitude: 31.2, longitude: 121.6, isDefault: true)
        ],
        creditLimit: Money(minor: 50_000_000), paymentTermsDays: 30, creditRating: .A)
}

func sampleSupplier(_ code: String = "S001") -> Supplier {
    Supplier(code: code, name: "苏州精工包装厂", contactName: "李强", phone: "0512-66881234", leadTimeDays: 7)
}

func sampleProduct(_ sku: String = "P001", shelfLife: Int? = nil, lotTracked: Bool = false, supplier: String? = nil)
    -> Product
{
    Product(
        sku: sku, nameZh: "不锈钢保温杯 500ml", nameEn: "Steel bottle 500 ml", unit: "个", listPrice: Money(minor: 8_900),
        weightGrams: 350, volumeCm3: 1_200, shelfLifeDays: shelfLife, lotTracked: lotTracked,
        defaultSupplierCode: supplier)
}

func sampleWarehouse(_ code: String = "SH") -> Warehouse {
    Warehouse(
        code: code, name: "上海仓",
        address: Address(province: "上海市", city: "上海市", district: "嘉定区", street: "嘉松北路 1 号", latitude: 31.38,
            longitude: 121.25), region: "华东")
}

/// A warehouse with one location and a product, ready for receipts.
func stockSetup(_ store: Store, product: Product) async throws -> (warehouse: ID<Warehouse>, location: StoredLocation) {
    let warehouse = try await store.warehouses.create(sampleWarehouse(), by: clerk)
    let location = try await store.stock.createLocation(Location(code: "A-01-01"), in: warehouse.id, by: clerk)
    _ = try await store.products.create(product, by: clerk)
    return (warehouse.id, location)
}

@Suite("Store conformance", .serialized)
struct StoreConformanceTests {
    @Test(arguments: Engine.available)
    func migrationsAreIdempotent(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            // setup: withTestStore migrated already
            // act
            let again = try await store.migrate()
            // verify
            #expect(again.isEmpty)
            #expect(try await store.appliedVersions() == Set(Migration.all.map(\.version)))
        }
    }

    /// Migrations are numbered 1, 2, 3 … in order, one file each (`Migrations/0NN_name.swift`), none left out.
    @Test func migrationsAreNumberedInOrderOneFileEach() throws {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/DocketStore/Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.map { Int($0.prefix(3)) } == Migration.all.map(\.version))
    }

    @Test(arguments: Engine.available)
    func customerLifecycle(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            // act: create
            let created = try await store.customers.create(sampleCustomer(), by: clerk)
            #expect(created.version == 1)
            #expect(created.archived == false)
            #expect(created.value == sampleCustomer())
            #expect(created.createdAt == clock.now())

            // read back by id and by code
            #expect(try await store.customers.get(id: created.id).value == sampleCustomer())
            #expect(try await store.customers.get(key: "C001").id == created.id)

            // update with the right version
            clock.advance(milliseconds: 1_000)
            var changed = sampleCustomer()
            changed.name = "上海华联贸易（集团）有限公司"
            changed.creditLimit = Money(minor: 80_000_000)
            let updated = try await store.customers.update(id: created.id, version: 1, changed, by: clerk)
            #expect(updated.version == 2)
            #expect(updated.value.name == changed.name)
            #expect(updated.updatedAt == clock.now())

            // a stale version is refused and nothing changes
            await #expect(throws: DocketError.versionConflict(.customer, key: "C001", current: 2)) {
                _ = try await store.customers.update(id: created.id, version: 1, sampleCustomer(), by: clerk)
            }
            #expect(try await store.customers.get(id: created.id).value.name == changed.name)

            // the code cannot change
            var recoded = changed
            recoded.code = "C999"
            await #expect(throws: DocketError.invalid("code", "immutable", ["value": "C001"])) {
                _ = try await store.customers.update(id: created.id, version: 2, recoded, by: clerk)
            }

            // archive hides it from lists; restore brings it back
            let archived = try await store.customers.setArchived(id: created.id, true, by: clerk)
            #expect(archived.archived)
            #expect(try await store.customers.list(ListQuery()).total == 0)
            #expect(try await store.customers.list(ListQuery(includeArchived: true)).total == 1)
            _ = try await store.customers.setArchived(id: created.id, false, by: clerk)
            #expect(try await store.customers.list(ListQuery()).total == 1)

            // every change wrote an audit event, newest first
            let events = try await store.auditEvents(entity: .customer, id: created.id.rawValue)
            #expect(events.map(\.action) == ["restored", "archived", "updated", "created"])
            #expect(events.allSatisfy { $0.actor == "user:clerk" })
        }
    }

    @Test(arguments: Engine.available)
    func listsSortByTheFieldsTheirKindAllows(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            for (sku, price, shelfLife) in [("P-2", 500, 30), ("P-1", 500, 365), ("P-3", 100, nil)] as [(String, Int64, Int?)] {
                var product = sampleProduct(sku, shelfLife: shelfLife)
                product.listPrice = Money(minor: price)
                _ = try await store.products.create(product, by: clerk)
            }
            func skus(_ sort: String?, descending: Bool = false, limit: Int = 50, offset: Int = 0) async throws -> [String] {
                var query = ListQuery(limit: limit, offset: offset)
                query.sort = sort
                query.descending = descending
                return try await store.products.list(query).items.map(\.value.sku)
            }
            #expect(try await skus(nil) == ["P-1", "P-2", "P-3"])
            // Equal prices fall back to the key, so paging a sorted list never repeats or skips a row.
            #expect(try await skus("listPrice", descending: true) == ["P-1", "P-2", "P-3"])
            #expect(try await skus("listPrice") == ["P-3", "P-1", "P-2"])
            #expect(try await skus("listPrice", limit: 1, offset: 1) == ["P-1"])
            #expect(try await skus("sku", descending: true) == ["P-3", "P-2", "P-1"])
            await #expect(throws: DocketError.invalid("sort", "invalidValue", ["allowed": "listPrice, nameZh, shelfLifeDays, sku, updatedAt"])) {
                _ = try await skus("list_price_minor; DROP TABLE products")
            }
        }
    }

    @Test(arguments: Engine.available)
    func notFoundAndDuplicate(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            await #expect(throws: DocketError.notFound(.customer, key: "42")) {
                _ = try await store.customers.get(id: ID(42))
            }
            _ = try await store.customers.create(sampleCustomer(), by: clerk)
            await #expect(throws: DocketError.duplicate(.customer, field: "code", value: "C001")) {
                _ = try await store.customers.create(sampleCustomer(), by: clerk)
            }
            #expect(try await store.customers.list(ListQuery()).total == 1)
        }
    }

    @Test(arguments: Engine.available)
    func invalidInputWritesNothing(_ engine: Engine) async throws {
        try await withTestStore(engine) { (store: Store) async throws -> Void in
            var bad = sampleCustomer()
            bad.code = ""
            bad.contacts[0].phone = "12-34"
            bad.addresses[0].postcode = "20"
            let error = await #expect(throws: DocketError.self) {
                _ = try await store.customers.create(bad, by: clerk)
            }
            guard case .invalid(let problems) = error else {
                Issue.record("expected invalid, got \(String(describing: error))")
                return
            }
            #expect(
                Set(problems.map(\.field)) == ["code", "contacts[0].phone", "addresses[0].postcode"])
            #expect(try await store.customers.list(ListQuery(includeArchived: true)).total == 0)
            #expect(try await store.auditEvents(entity: .customer, id: nil).isEmpty)
        }
    }

    @Test(arguments: Engine.available)
    func listPagingAndSearch(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            for i in 1...25 {
                var customer = sampleCustomer(String(format: "C%03d", i))
                customer.name = i % 5 == 0 ? "成都天府商贸 \(i)" : "上海客户 \(i)"
                _ = try await store.customers.create(customer, by: clerk)
            }
            let page = try await store.customers.list(ListQuery(limit: 10, offset: 20))
            #expect(page.total == 25)
            #expect(page.items.map(\.value.code) == ["C021", "C022", "C023", "C024", "C025"])
            let found = try await store.customers.list(ListQuery(search: "天府"))
            #expect(found.total == 5)
            #expect(found.items.allSatisfy { $0.value.name.contains("天府") })
            // LIKE wildcards typed by a user are literal text, not patterns
            #expect(try await store.customers.list(ListQuery(search: "%")).total == 0)
            // search by contact phone
            #expect(try await store.customers.list(ListQuery(search: "13812345678")).total == 25)
            await #expect(throws: DocketError.invalid("limit", "outOfRange", ["min": "1", "max": "200"])) {
                _ = try await store.customers.list(ListQuery(limit: 0))
            }
        }
    }

    @Test(arguments: Engine.available)
    func productReferencesAreChecked(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            await #expect(throws: DocketError.invalid("defaultSupplierCode", "notFound", ["value": "S001"])) {
                _ = try await store.products.create(sampleProduct(supplier: "S001"), by: clerk)
            }
            _ = try await store.suppliers.create(sampleSupplier(), by: clerk)
            let product = try await store.products.create(sampleProduct(supplier: "S001"), by: clerk)
            #expect(product.value.defaultSupplierCode == "S001")

            var withSubstitute = sampleProduct("P002")
            withSubstitute.substituteSkus = ["P001", "P404"]
            await #expect(throws: DocketError.invalid("substituteSkus[1]", "notFound", ["value": "P404"])) {
                _ = try await store.products.create(withSubstitute, by: clerk)
            }
            withSubstitute.substituteSkus = ["P001"]
            #expect(try await store.products.create(withSubstitute, by: clerk).value.substituteSkus == ["P001"])

            // a shelf-life product is always lot-tracked
            let fresh = try await store.products.create(sampleProduct("F001", shelfLife: 180), by: clerk)
            #expect(fresh.value.lotTracked)
        }
    }

    @Test(arguments: Engine.available)
    func warehousesLocationsAndCarriers(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let warehouse = try await store.warehouses.create(sampleWarehouse(), by: clerk)
            let a = try await store.stock.createLocation(Location(code: "A-01-01", zone: "A"), in: warehouse.id, by: clerk)
            _ = try await store.stock.createLocation(Location(code: "A-01-02", zone: "A"), in: warehouse.id, by: clerk)
            await #expect(throws: DocketError.duplicate(.location, field: "code", value: "A-01-01")) {
                _ = try await store.stock.createLocation(Location(code: "A-01-01"), in: warehouse.id, by: clerk)
            }
            let renamed = try await store.stock.updateLocation(
                a.id, in: warehouse.id, version: 1, Location(code: "A-01-01", name: "冷藏区", zone: "A", active: false),
                by: clerk)
            #expect(renamed.version == 2 && renamed.location.active == false)
            await #expect(throws: DocketError.versionConflict(.location, key: "A-01-01", current: 2)) {
                _ = try await store.stock.updateLocation(a.id, in: warehouse.id, version: 1, Location(code: "A-01-01"), by: clerk)
            }
            #expect(try await store.stock.locations(in: warehouse.id).map(\.location.code) == ["A-01-01", "A-01-02"])

            let carrier = Carrier(
                code: "SF", name: "顺丰速运",
                services: [
                    CarrierService(
                        code: "SF-STD", name: "顺丰标快", mode: .express, pricing: .zone,
                        rates: [
                            Rate(zone: "上海市", baseFee: Money(minor: 1_200), perKg: Money(minor: 200), transitDays: 1),
                            Rate(zone: "*", baseFee: Money(minor: 2_300), perKg: Money(minor: 600), transitDays: 2),
                        ])
                ])
            let stored = try await store.carriers.create(carrier, by: clerk)
            #expect(try await store.carriers.get(id: stored.id).value == carrier)
        }
    }

    @Test(arguments: Engine.available)
    func stockReceiptsKeepTheLedger(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            _ = try await stockSetup(store, product: sampleProduct("F001", shelfLife: 365))
            let expiry = CalendarDate(year: 2027, month: 11, day: 30)!
            let receipt = StockReceipt(
                sku: "F001", warehouseCode: "SH", locationCode: "A-01-01", lot: "L2611", quantity: 100,
                expiryDate: expiry, reference: "PO-1")
            let first = try await store.stock.receive(receipt, by: clerk)
            #expect(first.lot.onHand == 100 && first.lot.reserved == 0 && first.lot.available == 100)
            #expect(first.lot.expiryDate == expiry)
            #expect(first.movement.kind == .receipt && first.movement.quantity == 100)
            #expect(first.movement.occurredAt == clock.now())

            clock.advance(days: 1)
            var second = receipt
            second.quantity = 40
            let again = try await store.stock.receive(second, by: clerk)
            #expect(again.lot.id == first.lot.id)
            #expect(again.lot.onHand == 140)
            #expect(again.lot.lastReceivedAt == clock.now())
            #expect(again.lot.firstReceivedAt < again.lot.lastReceivedAt)

            // on hand is explained by the ledger
            let movements = try await store.stock.stockMovements(StockQuery(sku: "F001"))
            #expect(movements.total == 2)
            #expect(movements.items.map(\.quantity).reduce(0, +) == again.lot.onHand)
            let lots = try await store.stock.stockLots(StockQuery(search: "保温杯"))
            #expect(lots.items.map(\.onHand) == [140])
            #expect(try await store.auditEvents(entity: .stockLot, id: first.lot.id.rawValue).count == 2)
        }
    }

    @Test(arguments: Engine.available)
    func receiptRulesFollowTheProduct(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await stockSetup(store, product: sampleProduct("F001", shelfLife: 365))
            _ = try await store.products.create(sampleProduct("P001"), by: clerk)
            let base = StockReceipt(sku: "F001", warehouseCode: "SH", locationCode: "A-01-01", quantity: 5)

            await #expect(throws: DocketError.invalid([FieldProblem("lot", "lotRequired"), FieldProblem("expiryDate", "expiryRequired")])) {
                _ = try await store.stock.receive(base, by: clerk)
            }
            var wrongPlace = base
            wrongPlace.sku = "NOPE"
            wrongPlace.locationCode = "Z-99"
            await #expect(
                throws: DocketError.invalid([
                    FieldProblem("sku", "notFound", ["value": "NOPE"]),
                    FieldProblem("locationCode", "notFound", ["value": "Z-99"]),
                ])
            ) { _ = try await store.stock.receive(wrongPlace, by: clerk) }

            // shape problems are reported before any lookup; product rules after it
            var plain = StockReceipt(sku: "P001", warehouseCode: "SH", locationCode: "A-01-01", quantity: 0)
            plain.expiryDate = CalendarDate(year: 2030, month: 1, day: 1)
            await #expect(throws: DocketError.invalid([FieldProblem("quantity", "mustBePositive")])) {
                _ = try await store.stock.receive(plain, by: clerk)
            }
            plain.quantity = 3
            await #expect(throws: DocketError.invalid([FieldProblem("expiryDate", "notShelfLife")])) {
                _ = try await store.stock.receive(plain, by: clerk)
            }

            var lot = base
            lot.lot = "L1"
            lot.expiryDate = CalendarDate(year: 2027, month: 6, day: 1)
            _ = try await store.stock.receive(lot, by: clerk)
            lot.expiryDate = CalendarDate(year: 2027, month: 7, day: 1)
            await #expect(throws: DocketError.invalid("expiryDate", "lotExpiryMismatch", ["expected": "2027-06-01"])) {
                _ = try await store.stock.receive(lot, by: clerk)
            }
            #expect(try await store.stock.stockMovements(StockQuery()).total == 1)
        }
    }

    @Test(arguments: Engine.available)
    func schemaRefusesWhatBreaksInvariants(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let (_, _) = try await stockSetup(store, product: sampleProduct())
            let result = try await store.stock.receive(
                StockReceipt(sku: "P001", warehouseCode: "SH", locationCode: "A-01-01", quantity: 10), by: clerk)
            // reserved may never exceed on hand
            await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(
                    Statement("UPDATE stock_lots SET reserved = 11 WHERE id = $1", [result.lot.id]))
            }
            let refusal = await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(
                    Statement("UPDATE stock_lots SET on_hand = -1 WHERE id = $1", [result.lot.id]))
            }
            #expect(refusal.map { if case .checkViolation = $0 { true } else { false } } == true)
            // the audit log and the ledger are append-only
            await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(Statement("UPDATE audit_events SET actor = 'x'"))
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(Statement("DELETE FROM stock_movements"))
            }
            // foreign keys hold
            let fk = await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(
                    Statement(
                        "INSERT INTO locations (warehouse_id, code, active, version, created_at, updated_at) VALUES (999, 'X', TRUE, 1, 0, 0)"
                    ))
            }
            #expect(fk.map { if case .foreignKeyViolation = $0 { true } else { false } } == true)
            // a failed write left nothing behind
            #expect(try await store.stock.stockLots(StockQuery()).items.map(\.onHand) == [10])
        }
    }

    @Test(arguments: Engine.available)
    func concurrentReceiptsAllCount(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await stockSetup(store, product: sampleProduct())
            let writers = 24
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 1...writers {
                    group.addTask {
                        _ = try await store.stock.receive(
                            StockReceipt(
                                sku: "P001", warehouseCode: "SH", locationCode: "A-01-01", quantity: Int64(i)),
                            by: clerk)
                    }
                }
                try await group.waitForAll()
            }
            let lots = try await store.stock.stockLots(StockQuery(sku: "P001"))
            #expect(lots.items.count == 1)
            #expect(lots.items[0].onHand == Int64(writers * (writers + 1) / 2))
            #expect(try await store.stock.stockMovements(StockQuery(sku: "P001")).total == writers)
        }
    }

    @Test(arguments: Engine.available)
    func concurrentDuplicatesAndStaleUpdates(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            // ten clients create the same code at once: exactly one wins
            let creates = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await store.suppliers.create(sampleSupplier(), by: clerk)
                            return true
                        } catch DocketError.duplicate(.supplier, field: "code", value: "S001") {
                            return false
                        } catch {
                            Issue.record("unexpected \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(creates.filter { $0 }.count == 1)

            // ten clients update from the same version at once: exactly one wins, the rest are told
            let supplier = try await store.suppliers.get(key: "S001")
            let updates = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<10 {
                    group.addTask {
                        var changed = sampleSupplier()
                        changed.leadTimeDays = 10 + i
                        do {
                            _ = try await store.suppliers.update(id: supplier.id, version: 1, changed, by: clerk)
                            return true
                        } catch DocketError.versionConflict {
                            return false
                        } catch {
                            Issue.record("unexpected \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(updates.filter { $0 }.count == 1)
            #expect(try await store.suppliers.get(id: supplier.id).version == 2)
            #expect(try await store.auditEvents(entity: .supplier, id: supplier.id.rawValue).count == 2)
        }
    }

    @Test(arguments: Engine.available)
    func usersAndPasswords(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let user = User(username: "zhang.wei", displayName: "张伟", roles: [.orderDesk, .sales])
            let stored = try await store.auth.addUser(user, password: "correct horse battery", by: .cli())
            #expect(stored.user == user)
            await #expect(throws: DocketError.duplicate(.user, field: "username", value: "zhang.wei")) {
                _ = try await store.auth.addUser(user, password: "another long one", by: .cli())
            }
            await #expect(throws: DocketError.invalid("password", "weakPassword", ["min": "10"])) {
                _ = try await store.auth.addUser(User(username: "li", displayName: "李", roles: [.admin]), password: "short", by: .cli())
            }
            #expect(try await store.auth.authenticate(username: "zhang.wei", password: "correct horse battery")?.id == stored.id)
            #expect(try await store.auth.authenticate(username: "zhang.wei", password: "wrong password!") == nil)
            #expect(try await store.auth.authenticate(username: "nobody", password: "whatever it is") == nil)
        }
    }

    @Test(arguments: Engine.available)
    func demoDataLoadsOnceThroughTheStore(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            #expect(try await store.isEmpty())
            #expect(try await store.loadDemo())
            let demo = DemoData(today: store.clock.now().date(utcOffsetHours: 8))
            #expect(try await store.customers.list(ListQuery()).total == demo.customers.count)
            #expect(try await store.products.list(ListQuery()).total == demo.products.count)
            #expect(try await store.carriers.list(ListQuery()).total == 4)
            let receipts = try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'receipt'"))
            #expect(try receipts[0].int("n") == Int64(demo.receipts.count))
            // The demo orders past the inventory review hold stock; the ledger says so, and never more than is on hand.
            let held = try await store.engine.read(Statement("SELECT CAST(COALESCE(SUM(reserved), 0) AS BIGINT) AS n FROM stock_lots"))
            #expect(try held[0].int("n") > 0)
            try await checkStockInvariants(store)
            // substitutes were set after every product existed
            let steel = try await store.products.get(key: "CUP-STEEL-WH")
            #expect(steel.value.substituteSkus == ["CUP-STEEL-BK", "CUP-STEEL-RD"])
            // a second load changes nothing
            #expect(try await store.loadDemo() == false)
            #expect(try await store.customers.list(ListQuery()).total == demo.customers.count)
        }
    }
}
