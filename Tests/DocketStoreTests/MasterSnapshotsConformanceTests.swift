import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Master data remembered by a node (`MasterSnapshots`) is never used once another node changed it: every order
/// decides on the master data its own snapshot would have read.
@Suite("Remembered master data on both stores", .serialized)
struct MasterSnapshotsConformanceTests {
    @Test(arguments: Engine.available)
    func aNodeSeesWhatAnotherNodeChangedAtItsNextOrder(_ engine: Engine) async throws {
        try await withTwoNodes(engine) { a, b in
            try await orderSetup(a)
            let draft = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P001", quantity: 2)])
            let first = try await a.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            #expect(first.lines.first?.unitPrice == Money(minor: 8_900))
            let remembered = a.engine.masterSnapshots.revision
            #expect(remembered > 0)
            #expect(a.engine.masterSnapshots.rows("product:P001", at: remembered)?.count == 1)
            // The same master data again: answered from memory, the same decision.
            let again = try await a.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            #expect(again.lines.first?.unitPrice == Money(minor: 8_900) && again.status == first.status)
            #expect(a.engine.masterSnapshots.revision == remembered)

            // Node b changes the price: node a's next order is priced with it.
            let product = try await b.products.get(key: "P001")
            var cheaper = product.value
            cheaper.listPrice = Money(minor: 7_500)
            _ = try await b.products.update(id: product.id, version: product.version, cheaper, by: clerk)
            let repriced = try await a.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            #expect(repriced.lines.first?.unitPrice == Money(minor: 7_500), "node a priced with what node b wrote")
            #expect(a.engine.masterSnapshots.revision > remembered)
            // Node b renames the customer's contact.
            let customer = try await b.customers.get(key: "C001")
            var renamed = customer.value
            renamed.contacts[0].name = "李雷"
            _ = try await b.customers.update(id: customer.id, version: customer.version, renamed, by: clerk)
            #expect(try await a.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order.contactName == "李雷")
            // Node a was asked for a product before it existed; node b adds it.
            let unknown = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P009", quantity: 1)])
            let missing = try await a.orders.submitOrder(unknown, idempotencyKey: nil, by: clerk).order
            #expect(missing.status == .needsInfo, "P009 does not exist yet")
            _ = try await b.products.create(sampleProduct("P009"), by: clerk)
            let known = try await a.orders.submitOrder(unknown, idempotencyKey: nil, by: clerk).order
            #expect(known.status != .needsInfo && known.lines.first?.unitPrice == Money(minor: 8_900))

            // Archiving on node b: node a's next order is refused the archived product.
            let nine = try await b.products.get(key: "P009")
            _ = try await b.products.setArchived(id: nine.id, true, by: clerk)
            let archived = try await a.orders.submitOrder(unknown, idempotencyKey: nil, by: clerk).order
            #expect(archived.status == .needsInfo)
            #expect(archived.problems.contains { $0.field.hasPrefix("lines") }, "\(archived.problems)")
        }
    }

    /// Each master write moves the revision on, once however many rows it writes; the remembered rows are those of the newest revision read.
    @Test(arguments: Engine.available)
    func masterWritesMoveTheRevisionOnAndOnlyTheNewestIsKept(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let revision = { try await store.engine.read(Store.masterRevisionSQL)[0].int("revision") }
            let start = try await revision()
            try await store.loadDemo(by: clerk)  // the whole demo's master data in one write: moved on once
            #expect(try await revision() == start + 1)
            try await orderSetup(store)  // a customer and two products, one write each
            #expect(try await revision() == start + 4)
            let cache = MasterSnapshots()
            cache.remember([("k", [])], at: 5)
            #expect(cache.rows("k", at: 5) != nil && cache.rows("k", at: 4) == nil)
            cache.remember([("old", [])], at: 4)  // read in an older snapshot: not kept
            #expect(cache.rows("old", at: 4) == nil && cache.rows("old", at: 5) == nil && cache.revision == 5)
            cache.remember([("new", [])], at: 6)
            #expect(cache.rows("k", at: 6) == nil && cache.rows("new", at: 6) != nil)
        }
    }
}
