import Logging
import DocketCore

extension Store {
    /// True when no master data has been entered yet.
    public func isEmpty() async throws -> Bool {
        let rows = try await engine.read(
            Statement("SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) AS n"))
        return try rows[0].int("n") == 0
    }

    /// Loads the demo data in one transaction, written by the same statements as the ordinary store operations
    /// (the records are checked by Core's demo-data test). Returns false, loading nothing, when the database
    /// already holds master data — also when another node loaded it at the same moment: its transaction won and
    /// this one's inserts met the same unique codes. Only the node that loaded the master data adds the demo orders.
    @discardableResult
    public func loadDemo(by actor: Actor = .system) async throws -> Bool {
        guard try await isEmpty() else { return false }
        let demo = DemoData(today: clock.now().date(utcOffsetHours: 8))
        do {
            try await loadMasterData(demo, by: actor)
        } catch StoreError.uniqueViolation {
            return false
        }
        try await loadDemoOrders(demo, by: actor)
        logger.info(
            "docket.demo.loaded",
            metadata: [
                "docket.demo.customers": "\(demo.customers.count)", "docket.demo.products": "\(demo.products.count)",
                "docket.demo.receipts": "\(demo.receipts.count)",
            ])
        return true
    }

    /// Master data and stock receipts in one write: suppliers, products, customers, warehouses with their locations,
    /// carriers, receipts (the demo's, or a generated data set's such as `docket bench`'s).
    public func loadMasterData(_ demo: DemoData, by actor: Actor = .system) async throws {
        let now = clock.now()
        var statements: [Statement] = []
        func add<Value>(_ repository: MasterRepository<Value>, _ value: Value) throws -> Int {
            let index = statements.count
            statements += try repository.createStatements(value, by: actor, at: now, first: index)
            return index
        }
        for supplier in demo.suppliers { _ = try add(suppliers, supplier) }
        var productRows: [String: Int] = [:]
        for product in demo.products { productRows[product.sku] = try add(products, product) }
        for customer in demo.customers { _ = try add(customers, customer) }
        var warehouseRows: [String: Int] = [:]
        var locationRows: [String: Int] = [:]
        for (warehouse, locations) in demo.warehouses {
            let row = try add(warehouses, warehouse)
            warehouseRows[warehouse.code] = row
            for location in locations {
                locationRows[warehouse.code + "/" + location.code] = statements.count
                statements += try stock.locationStatements(
                    location, in: Bind.result(statement: row, column: "id"), by: actor, at: now, first: statements.count)
            }
        }
        for carrier in demo.carriers { _ = try add(carriers, carrier) }
        for receipt in demo.receipts {
            try receipt.validate()
            guard let product = productRows[receipt.sku], let warehouse = warehouseRows[receipt.warehouseCode],
                let location = locationRows[receipt.warehouseCode + "/" + receipt.locationCode]
            else { throw DocketError.invalid("receipts", "notFound", ["value": receipt.sku]) }
            statements += try stock.receiptStatements(
                receipt, product: Bind.result(statement: product, column: "id"), warehouse: Bind.result(statement: warehouse, column: "id"),
                location: Bind.result(statement: location, column: "id"), by: actor, at: now, first: statements.count)
        }
        statements.append(Self.bumpMasterRevision)
        _ = try await engine.write(statements)
    }

    /// Adds the demo users (one per role, password `DemoData.password`) when there are no users yet.
    @discardableResult
    public func loadDemoUsers(by actor: Actor = .system) async throws -> Bool {
        guard try await auth.users().isEmpty else { return false }
        for user in DemoData.users { _ = try await auth.addUser(user, password: DemoData.password, by: actor) }
        return true
    }

    /// A dozen orders through the real intake, spread over the stages so every queue has work to show.
    private func loadDemoOrders(_ demo: DemoData, by actor: Actor) async throws {
        let stocked = demo.products.filter { !$0.makeToOrder && !$0.sku.hasPrefix("CASE") }
        let channels: [OrderChannel] = [.phone, .web, .email, .fax, .api, .phone]
        for i in 0..<12 {
            let customer = demo.customers[(i * 5) % demo.customers.count]
            var lines = (0..<(1 + i % 3)).map { OrderLineDraft(sku: stocked[(i * 7 + $0 * 3) % stocked.count].sku, quantity: Int64(2 + i % 4)) }
            if i % 6 == 5 { lines.append(OrderLineDraft(sku: "UNKNOWN-\(i)", quantity: 1)) }  // incomplete: waits for information
            let draft = OrderDraft(
                channel: channels[i % channels.count], customerCode: customer.code, type: i % 4 == 0 ? .rush : .stock,
                urgent: i % 4 == 0, lines: lines, notes: i % 3 == 0 ? "请工作日送货" : nil)
            let order = try await orders.submitOrder(draft, idempotencyKey: "demo-\(i)", by: actor).order
            guard order.status == .reviewSales else { continue }
            // Walk some orders on through the reviews.
            var current = order
            for _ in 0..<(i % 5) {
                guard let stage = ReviewStage(status: current.status) else { break }
                current = try await orders.decideReview(current, stage: stage, .pass, reason: "演示数据：已核对", approveOverrides: true, by: actor)
            }
            if i == 7, let stage = ReviewStage(status: current.status) {
                _ = try await orders.decideReview(current, stage: stage, .hold, reason: "等待客户预付款", by: actor)
            }
        }
        try await loadDemoShipments(demo, stocked: stocked, by: actor)
    }

    /// Four more orders, confirmed and handed to the warehouses, standing at each step of fulfilment so the shipping
    /// queues have work to show: to pick, picked, packed with the carrier chosen, and on its way.
    private func loadDemoShipments(_ demo: DemoData, stocked: [Product], by actor: Actor) async throws {
        let trusted = demo.customers.filter { $0.creditRating == .A }
        guard !trusted.isEmpty else { return }
        for step in 0..<4 {
            let customer = trusted[step % trusted.count]
            let lines = (0..<(1 + step % 2)).map { OrderLineDraft(sku: stocked[(step * 11 + $0 * 5 + 1) % stocked.count].sku, quantity: Int64(1 + step)) }
            let draft = OrderDraft(channel: .phone, customerCode: customer.code, type: .stock, urgent: step == 3, lines: lines)
            var order = try await orders.submitOrder(draft, idempotencyKey: "demo-ship-\(step)", by: actor).order
            while let stage = ReviewStage(status: order.status) {
                order = try await orders.decideReview(order, stage: stage, .pass, reason: "演示数据：已核对", approveOverrides: true, by: actor)
            }
            guard order.status == .awaitingConfirmation else { continue }
            order = try await orders.recordConfirmation(orderID: order.id, via: .phone, note: "演示数据：电话确认", by: actor)
            guard (try await orders.orderAllocation(orderID: order.id)).allocation?.readyForWarehouse() == true else { continue }
            order = try await orders.releaseToWarehouse(orderID: order.id, by: actor)
            for shipment in try await shipments.shipments(orderID: order.id) {
                guard step >= 1 else { continue }
                // The picked order's first line is found one short: it is owed (欠货) and served again by the timer.
                let picked = shipment.lines.enumerated().map { index, line in
                    PickedQuantity(lineID: line.line.lineID, lotID: line.line.lotID, quantity: line.line.quantity - (step == 1 && index == 0 ? 1 : 0))
                }
                var current = try await shipments.confirmPick(shipment.id, picked: picked, by: actor)
                guard step >= 2 else { continue }
                current = try await shipments.pack(current.id, packages: nil, by: actor)
                current = try await shipments.chooseCarrier(current.id, carrierCode: nil, serviceCode: nil, reason: nil, by: actor)
                guard step >= 3 else { continue }
                _ = try await shipments.ship(current.id, trackingNumber: "SF\(1_000_000_000 + step * 7_919 + Int(current.id.rawValue))", by: actor)
            }
        }
    }
}
