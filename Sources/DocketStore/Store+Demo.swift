import Logging
import DocketCore

extension Store {
    /// True when no master data has been entered yet.
    public func isEmpty() async throws -> Bool {
        let rows = try await engine.read(
            Statement("SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) AS n"))
        return try rows[0].int("n") == 0
    }

    /// Loads the demo data through the ordinary store operations (so it is validated and audited like any
    /// other input). Returns false, loading nothing, when the database already holds master data.
    @discardableResult
    public func loadDemo(by actor: Actor = .system) async throws -> Bool {
        guard try await isEmpty() else { return false }
        let demo = DemoData(today: clock.now().date(utcOffsetHours: 8))
        for supplier in demo.suppliers { _ = try await suppliers.create(supplier, by: actor) }
        // Substitutes refer to products created later in the list: create without them, then set them.
        var created: [(Stored<Product>, Product)] = []
        for product in demo.products {
            var bare = product
            bare.substituteSkus = []
            created.append((try await products.create(bare, by: actor), product))
        }
        for (stored, product) in created where !product.substituteSkus.isEmpty {
            _ = try await products.update(id: stored.id, version: stored.version, product, by: actor)
        }
        for customer in demo.customers { _ = try await customers.create(customer, by: actor) }
        for (warehouse, locations) in demo.warehouses {
            let stored = try await warehouses.create(warehouse, by: actor)
            for location in locations { _ = try await createLocation(location, in: stored.id, by: actor) }
        }
        for carrier in demo.carriers { _ = try await carriers.create(carrier, by: actor) }
        for receipt in demo.receipts { _ = try await receive(receipt, by: actor) }
        try await loadDemoOrders(demo, by: actor)
        logger.info(
            "docket.demo.loaded",
            metadata: [
                "docket.demo.customers": "\(demo.customers.count)", "docket.demo.products": "\(demo.products.count)",
                "docket.demo.receipts": "\(demo.receipts.count)",
            ])
        return true
    }

    /// Adds the demo users (one per role, password `DemoData.password`) when there are no users yet.
    @discardableResult
    public func loadDemoUsers(by actor: Actor = .system) async throws -> Bool {
        guard try await users().isEmpty else { return false }
        for user in DemoData.users { _ = try await addUser(user, password: DemoData.password, by: actor) }
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
            let order = try await submitOrder(draft, idempotencyKey: "demo-\(i)", by: actor).order
            guard order.status == .reviewSales else { continue }
            // Walk some orders on through the reviews.
            for _ in 0..<(i % 5) {
                _ = try await decideReview(orderID: order.id, .pass, reason: "演示数据：已核对", approveOverrides: true, by: actor)
            }
            if i == 7 { _ = try await decideReview(orderID: order.id, .hold, reason: "等待客户预付款", by: actor) }
        }
    }
}
