import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Tracking: `GET /api/v1/board?warehouse=&customer=&type=` (the kanban's columns and the overdue list),
/// `GET /api/v1/penalties?month=YYYY-MM` (a month's service-window penalties) and
/// `POST /api/v1/penalties/{id}/exempt` with `{"note", "version"}`.
struct TrackingAPI {
    let store: Store

    struct ColumnView: Encodable {
        var column: String
        var statuses: [OrderStatus]
        var count: Int64
        var cards: [Board.Card]
    }

    struct BoardView: Encodable {
        var columns: [ColumnView]
        var overdue: [Board.Card]
        var overdueCount: Int64
    }

    struct PenaltyView: Encodable {
        var id: Int64
        var orderId: ID<Order>
        var orderNumber: String
        var customerCode: String
        var customerName: String?
        var type: OrderType
        var month: String
        var confirmedAt: Timestamp?
        var dueAt: Timestamp
        var lines: [ServiceLevel.PenaltyLine]
        var base: Money
        var rateBasisPoints: Int
        var amount: Money
        var status: PenaltyStatus
        var exemption: ServiceLevel.Exemption?
        var note: String?
        var decidedBy: String?
        var decidedAt: Timestamp?
        var version: Int64

        init(_ p: ServicePenalty) {
            id = p.id
            orderId = p.orderID
            orderNumber = p.orderNumber
            customerCode = p.customerCode
            customerName = p.customerName
            type = p.type
            month = p.month
            confirmedAt = p.confirmedAt
            dueAt = p.dueAt
            lines = p.lines
            base = p.base
            rateBasisPoints = p.basisPoints
            amount = p.amount
            status = p.status
            exemption = p.exemption
            note = p.note
            decidedBy = p.decidedBy
            decidedAt = p.decidedAt
            version = p.version
        }
    }

    struct MonthView: Encodable {
        var month: String
        var owed: Money
        var exempt: Money
        var penalties: [PenaltyView]
    }

    struct Exempt: Decodable {
        var note: String?
        var version: Int64?
    }

    func register(on routes: SecureRoutes) {
        let levels = store.serviceLevels
        routes.get("/api/v1/board", .staff) { request, _ in
            let query = request.uri.queryParameters
            var type: OrderType?
            if let text = query.get("type"), !text.isEmpty {
                guard let parsed = OrderType(rawValue: text) else {
                    throw DocketError.invalid("type", "invalidValue", ["allowed": OrderType.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                type = parsed
            }
            var v = Validator()
            let warehouse = query.get("warehouse").flatMap { $0.isEmpty ? nil : $0 }
            let customer = query.get("customer").flatMap { $0.isEmpty ? nil : $0 }
            v.optionalText(warehouse, "warehouse", max: 40)
            v.optionalText(customer, "customer", max: 40)
            try v.check()
            let board = try await levels.board(BoardFilter(warehouse: warehouse, customer: customer, type: type))
            return try JSON.response(
                BoardView(
                    columns: board.columns.map {
                        ColumnView(column: $0.column.rawValue, statuses: $0.column.statuses, count: $0.count, cards: $0.cards)
                    },
                    overdue: board.overdue, overdueCount: board.overdueCount))
        }
        routes.get("/api/v1/penalties", .staff) { request, _ in
            let month = request.uri.queryParameters.get("month") ?? ServiceLevel.month(of: store.clock.now())
            let data = try await levels.month(month)
            return try JSON.response(MonthView(month: data.month, owed: data.owed, exempt: data.exempt, penalties: data.penalties.map(PenaltyView.init)))
        }
        routes.get("/api/v1/penalties/:id", .staff) { _, context in
            try JSON.response(PenaltyView(try await levels.penalty(id: try context.rawID())))
        }
        routes.post("/api/v1/penalties/:id/exempt", .penalties) { request, context in
            let body = try await JSON.decode(Exempt.self, from: request, context: context)
            let id: Int64 = try context.rawID()
            return try JSON.response(PenaltyView(try await levels.exempt(id: id, note: body.note, version: body.version, by: context.actor)))
        }
    }
}
