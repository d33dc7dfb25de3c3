import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Production (生产安排与跟踪): `GET/POST /api/v1/production-orders`, `GET /api/v1/production-orders/{id}`,
/// `POST /api/v1/production-orders/{id}/confirmSpec|start|cancel|report`, `GET /api/v1/production-demand`.
struct ProductionAPI {
    let store: Store

    /// `{"version"?, "confirmation"?}`.
    struct Step: Decodable {
        var version: Int64?
        var confirmation: String?
    }

    struct Detail: Encodable {
        struct Report: Encodable {
            var produced: Int64
            var operation: String?
            var milestone: String?
            var problem: String?
            var expectedDate: CalendarDate?
            var reportedBy: String
            var reportedAt: Timestamp
        }

        var productionOrder: ProductionOrder
        var reports: [Report]
    }

    func register(on routes: SecureRoutes) {
        let production = store.production
        routes.get("/api/v1/production-orders", .staff) { request, _ in
            try JSON.response(try await production.productionOrders(open: request.uri.queryParameters.get("all") != "true"))
        }
        routes.get("/api/v1/production-demand", .staff) { _, _ in
            try JSON.response(try await production.demand())
        }
        routes.get("/api/v1/production-orders/:id", .staff) { _, context in
            let id: ID<ProductionOrder> = try context.id()
            let order = try await production.productionOrder(id: id)
            let reports = try await production.reports(id).map {
                Detail.Report(
                    produced: $0.report.produced, operation: $0.report.operation, milestone: $0.report.milestone, problem: $0.report.problem,
                    expectedDate: $0.report.expectedDate, reportedBy: $0.actor, reportedAt: $0.at)
            }
            return try JSON.response(Detail(productionOrder: order, reports: reports))
        }
        routes.post("/api/v1/production-orders", .production) { request, context in
            let draft = try await JSON.decode(ProductionDraft.self, from: request, context: context)
            return try JSON.response(try await production.create(draft, by: context.actor), status: .created)
        }
        routes.post("/api/v1/production-orders/:id/report", .production) { request, context in
            let report = try await JSON.decode(ProgressReport.self, from: request, context: context)
            return try JSON.response(try await production.report(try context.id(), report, by: context.actor), status: .created)
        }
        for action in [ProductionOrder.Action.confirmSpec, .start, .cancel] {
            routes.post("/api/v1/production-orders/:id/\(action.rawValue)", .production) { request, context in
                let step = try await JSON.decode(Step.self, from: request, context: context, emptyAllowed: true)
                let id: ID<ProductionOrder> = try context.id()
                let result =
                    switch action {
                    case .confirmSpec: try await production.confirmSpecification(id, confirmation: step.confirmation ?? "", version: step.version, by: context.actor)
                    case .start: try await production.start(id, version: step.version, by: context.actor)
                    default: try await production.cancel(id, version: step.version, by: context.actor)
                    }
                return try JSON.response(result)
            }
        }
    }
}
