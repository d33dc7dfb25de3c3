import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// `GET /api/v1/orders/{id}/allocation` (the plan, each line's picks and why, in the reader's language) and
/// `POST /api/v1/orders/{id}/allocate` (plan again by hand).
struct AllocationAPI {
    let store: Store

    /// The plan as the API shows it: each explanation note as data and in words.
    struct Body: Encodable {
        struct Note: Encodable {
            var verdict: AllocationNote.Verdict
            var warehouse: String?
            var lot: String?
            var quantity: Int64?
            var available: Int64?
            var expiry: CalendarDate?
            var cost: Money?
            var kilometres: Int?
            var minimumDays: Int?
            var text: String
        }

        struct Line: Encodable {
            var lineId: ID<OrderLine>
            var sku: String
            var quantity: Int64
            var allocated: Int64
            var toProduce: Int64
            var short: Int64
            var picks: [AllocationPlan.Pick]
            var explanation: [Note]
        }

        /// `full`, `partial`, `none`, or `released`.
        var status: String
        /// Whether the order was ever planned (it is after the inventory review).
        var planned: Bool
        var firm: Bool
        var plannedAt: Timestamp?
        var expiresAt: Timestamp?
        var warehouses: [String]
        var lines: [Line]

        init(_ stored: StoredAllocation?, order: StoredOrder, language: Language) {
            guard let stored else {
                status = AllocationPlan.Status.none.rawValue
                planned = false
                firm = false
                warehouses = []
                lines = order.lines.map {
                    Line(lineId: $0.id ?? ID(0), sku: $0.sku, quantity: $0.quantity, allocated: 0, toProduce: 0, short: $0.quantity, picks: [],
                        explanation: [])
                }
                return
            }
            status = stored.status.rawValue
            planned = true
            firm = stored.firm
            plannedAt = stored.plannedAt
            expiresAt = stored.expiresAt
            let released = stored.status == .released
            warehouses = released ? [] : stored.plan.warehouses
            lines = stored.plan.lines.map { line in
                Line(
                    lineId: line.lineID, sku: line.sku, quantity: line.quantity, allocated: released ? 0 : line.allocated,
                    toProduce: line.toProduce, short: released ? line.quantity - line.toProduce : line.short,
                    picks: released ? [] : line.picks,
                    explanation: line.explanation.map {
                        Note(
                            verdict: $0.verdict, warehouse: $0.warehouse, lot: $0.lot, quantity: $0.quantity, available: $0.available,
                            expiry: $0.expiry, cost: $0.cost, kilometres: $0.kilometres, minimumDays: $0.minimumDays,
                            text: $0.message.text(language))
                    })
            }
        }
    }

    /// A short line as the API shows it: each option as data and in words.
    struct ShortageBody: Encodable {
        struct Option: Encodable {
            var option: ShortageOption
            var text: String

            func encode(to encoder: any Encoder) throws {
                try option.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(text, forKey: .text)
            }

            enum Key: String, CodingKey { case text }
        }

        var orderId: ID<Order>
        var number: String
        var customerCode: String
        var customerName: String?
        var urgent: Bool
        var type: OrderType
        var promisedDate: CalendarDate?
        var lineId: ID<OrderLine>
        var sku: String
        var quantity: Int64
        var allocated: Int64
        var short: Int64
        var options: [Option]
        var decisions: [Decision]

        struct Decision: Encodable {
            var option: Option
            var reference: String?
            var reason: String?
            var decidedBy: String
            var decidedAt: Timestamp
        }

        init(_ line: ShortLine, language: Language) {
            orderId = line.orderID
            number = line.number
            customerCode = line.customerCode
            customerName = line.customerName
            urgent = line.urgent
            type = line.type
            promisedDate = line.promisedDate
            lineId = line.lineID
            sku = line.sku
            quantity = line.quantity
            allocated = line.allocated
            short = line.short
            options = line.options.map { Option(option: $0, text: $0.message.text(language)) }
            decisions = line.decisions.map {
                Decision(
                    option: Option(option: $0.option, text: $0.option.message.text(language)), reference: $0.reference, reason: $0.reason,
                    decidedBy: $0.actor, decidedAt: $0.decidedAt)
            }
        }
    }

    var orders: OrderUseCases { OrderUseCases(store: store) }

    struct OutcomeBody: Encodable {
        var option: String
        var changeRequest: ChangeRequest?
        var transfer: Transfer?
        var purchaseOrder: PurchaseOrder?
        var productionOrder: ProductionOrder?

        init(option: String, _ outcome: ShortageOutcome) {
            self.option = option
            switch outcome {
            case .change(let change): changeRequest = change
            case .transfer(let transfer): self.transfer = transfer
            case .purchaseOrder(let order): purchaseOrder = order
            case .productionOrder(let order): productionOrder = order
            case .recorded: break
            }
        }
    }

    func register(on routes: SecureRoutes) {
        routes.get("/api/v1/orders/:id/allocation", .staff) { _, context in
            let id = try context.orderID()
            let read = try await store.orders.orderAllocation(orderID: id)
            return try JSON.response(Body(read.allocation, order: read.order, language: context.language))
        }
        routes.get("/api/v1/shortages", .staff) { _, context in
            let lines = try await store.orders.shortages()
            return try JSON.response(lines.map { ShortageBody($0, language: context.language) })
        }
        routes.post("/api/v1/orders/:id/release", .allocation) { _, context in
            try JSON.response(try await orders.releaseToWarehouse(orderID: try context.orderID(), by: context).localized(context.language))
        }
        // `{"orderId","lineId","option","warehouse"?,"sku"?,"quantity"?,"consent"?,"reason"?}` → what it started:
        // `{"option","changeRequest"|"transfer"|"purchaseOrder"}`.
        routes.post("/api/v1/shortages/decision", .shortageDecision) { request, context in
            let body = try await JSON.decode(ShortageChoice.self, from: request, context: context)
            let outcome = try await ShortageUseCases(store: store).resolve(body, by: context, path: "/api/v1/shortages/decision")
            return try JSON.response(OutcomeBody(option: body.option ?? "", outcome), status: .created)
        }
        routes.post("/api/v1/orders/:id/allocate", .allocation) { _, context in
            let id = try context.orderID()
            let stored = try await orders.reallocate(orderID: id, by: context)
            let order = try await store.orders.order(id: id)
            return try JSON.response(Body(stored, order: order, language: context.language))
        }
    }
}
