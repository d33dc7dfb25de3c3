import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// 客户自助查询: the customer's own pages, without signing in — looking an order up by its number and a phone number
/// on it (throttled; the same answer for an unknown number and a wrong phone), the order's tracking page reached from
/// there or from a link in a message, and the problem report that opens an exception. Staff see the exceptions queue.
struct SelfServicePages {
    let pages: WebPages
    var store: Store { pages.store }

    func register(on routes: SecureRoutes) {
        routes.get(.track, .everyone) { _, context in
            lookupPage(context)
        }
        routes.post(.track, .everyone) { request, context in
            guard isSameOrigin(request, context) else { throw AccessError.csrf }
            let form = try await Form.read(request, limit: 16 * 1024)
            let number = form.text("number") ?? ""
            let phone = form.text("phone") ?? ""
            var v = Validator()
            v.text(number, "number", max: 40)
            v.text(phone, "phone", max: 40)
            do { try v.check() } catch DocketError.invalid(let problems) {
                return lookupPage(context, number: number, phone: phone, problems: problems, status: .unprocessableContent)
            }
            switch try await store.tracking.lookup(number: number, phone: phone, ip: context.remoteAddress) {
            case .found(let token):
                return Response(status: .seeOther, headers: [.location: Route.trackOrder(token: token).with([("lang", context.language.rawValue)])])
            case .notFound:
                return lookupPage(context, number: number, phone: phone, error: "ui.track.notFound", status: .notFound)
            case .throttled:
                return lookupPage(context, number: number, phone: phone, error: "ui.track.throttled", status: .tooManyRequests)
            }
        }
        routes.get(.trackOrder(token: Route.tokenParameter), .everyone) { request, context in
            let done = request.uri.queryParameters.get("done") == "reported"
            return try await trackingPage(context, token: context.parameters.get("token") ?? "", notice: done ? "ui.track.reported" : nil)
        }
        routes.post(.trackReport(token: Route.tokenParameter), .everyone) { request, context in
            guard isSameOrigin(request, context) else { throw AccessError.csrf }
            let token = context.parameters.get("token") ?? ""
            let orderID = try await store.tracking.order(token: token)
            let form = try await Form.read(request, limit: 16 * 1024)
            let report = ProblemReport(
                kind: form.text("kind").flatMap(ExceptionKind.init(rawValue:)) ?? .other, description: form.text("description") ?? "",
                contact: form.text("contact"))
            do {
                _ = try await store.exceptions.report(report, orderID: orderID)
                return Response(
                    status: .seeOther,
                    headers: [.location: Route.trackOrder(token: token).with([("lang", context.language.rawValue), ("done", "reported")])])
            } catch DocketError.invalid(let problems) {
                return try await trackingPage(context, token: token, typed: report, problems: problems, status: .unprocessableContent)
            }
        }
        routes.get(.exceptions, .staff) { _, context in
            try await exceptionsPage(context)
        }
    }

    // MARK: Lookup

    private func lookupPage(
        _ context: DocketRequestContext, number: String = "", phone: String = "", error: String? = nil, problems: [FieldProblem] = [],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = context.language
        let model = TrackLookupModel(
            action: Route.track.with([("lang", language.rawValue)]), number: number, phone: phone,
            error: error.map { Message($0).text(language) },
            numberError: problems.first { $0.field == "number" }.map { FieldLabel.problem($0, in: language) },
            phoneError: problems.first { $0.field == "phone" }.map { FieldLabel.problem($0, in: language) },
            zhHref: Route.track.with([("lang", "zh-CN")]), enHref: Route.track.with([("lang", "en")]))
        return pages.views.render("trackLookup", ["page": model], context: context, status: status)
    }

    // MARK: The tracking page

    private func trackingPage(
        _ context: DocketRequestContext, token: String, notice: String? = nil, typed: ProblemReport? = nil, problems: [FieldProblem] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let orderID: ID<Order>
        do {
            orderID = try await store.tracking.order(token: token)
        } catch DocketError.notFound {
            return lookupPage(context, error: "ui.track.linkExpired", status: .notFound)
        }
        let view = try await store.tracking.view(orderID: orderID)
        let order = view.order
        let phase = CustomerPhase.of(order.status)
        let products = try await store.products.bySKU(order.lines.map(\.sku))
        let shippedAt = view.shipments.compactMap(\.shippedAt).min()
        let deliveredAt = view.shipments.allSatisfy { $0.status == .delivered } ? view.shipments.compactMap(\.deliveredAt).max() : nil
        let times: [CustomerPhase: Timestamp?] = [.received: order.receivedAt, .preparing: view.confirmedAt, .shipped: shippedAt, .delivered: deliveredAt]
        let reached: Int = {
            switch phase {
            case .received, .awaitingYou, .paused, .cancelled: 0
            case .preparing: 1
            case .partlyShipped, .shipped: 2
            case .delivered, .completed: 3
            }
        }()
        let here = Route.trackOrder(token: token)
        let model = TrackingPageModel(
            number: order.number, phase: text("ui.track.phase.\(phase.rawValue)"), phaseKey: phase.rawValue,
            notice: notice.map { text($0) },
            customer: view.customerName ?? order.customerCode, promised: order.promisedDate?.iso8601 ?? "—", total: order.total.formatted,
            steps: CustomerPhase.steps.enumerated().map { index, step in
                TrackingPageModel.Step(
                    label: text("ui.track.step.\(step.rawValue)"), time: times[step].flatMap { $0 }.map { displayTime($0) },
                    done: index <= reached && phase != .cancelled, current: index == reached && phase != .cancelled)
            },
            lines: order.lines.map { line in
                let name = language == .en ? (line.nameEn ?? products[line.sku]?.name(.en) ?? line.description) : line.description
                return TrackingPageModel.Line(name: name, quantity: "\(line.quantity)\(products[line.sku]?.unit ?? "")", amount: line.amount.formatted)
            },
            shipments: view.shipments.map { shipment in
                TrackingPageModel.Shipment(
                    number: shipment.number, status: text("shipment.status.\(shipment.status.rawValue)"), statusKey: shipment.status.rawValue,
                    carrier: shipment.carrier?.taken.carrierName, tracking: shipment.trackingNumber,
                    eta: shipment.status == .delivered ? nil : shipment.eta?.iso8601,
                    delivered: shipment.deliveredAt.map { displayTime($0) },
                    events: shipment.events.sorted { $0.occurredAt > $1.occurredAt }.map { event in
                        TrackingPageModel.Event(
                            time: displayTime(event.occurredAt), what: text("tracking.kind.\(event.kind.rawValue)"), place: event.location)
                    })
            },
            reports: view.reports.map {
                TrackingPageModel.Report(
                    number: $0.number, kind: text("exception.kind.\($0.kind.rawValue)"), opened: displayTime($0.openedAt),
                    status: text("exception.status.\($0.status.rawValue)"))
            },
            reportAction: Route.trackReport(token: token).with([("lang", language.rawValue)]),
            kinds: ExceptionKind.allCases.map {
                TrackingPageModel.Option(value: $0.rawValue, label: text("exception.kind.\($0.rawValue)"), selected: $0 == (typed?.kind ?? .delay))
            },
            description: typed?.description ?? "", contact: typed?.contact ?? "",
            descriptionError: problems.first { $0.field == "description" }.map { FieldLabel.problem($0, in: language) },
            contactError: problems.first { $0.field == "contact" }.map { FieldLabel.problem($0, in: language) },
            zhHref: here.with([("lang", "zh-CN")]), enHref: here.with([("lang", "en")]))
        return pages.views.render("tracking", ["page": model], context: context, status: status)
    }

    // MARK: Exceptions (staff)

    private func exceptionsPage(_ context: DocketRequestContext) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let now = store.clock.now()
        let open = try await store.exceptions.open()
        let model = ExceptionsPageModel(
            rows: open.map { x in
                ExceptionsPageModel.Row(
                    number: x.number, href: Route.exception(x.id).path, orderHref: Route.order(x.orderID).path, order: x.orderNumber,
                    customer: People.customer(x.customerCode, name: x.customerName, in: language),
                    kind: text("exception.kind.\(x.kind.rawValue)"), severity: text("exception.severity.\(x.severity.rawValue)"), severityKey: x.severity.rawValue,
                    source: text("exception.source.\(x.source.rawValue)"), description: x.describe(language), contact: x.contact ?? "—",
                    owner: x.owner ?? text("ui.exception.noOwner"),
                    opened: displayTime(x.openedAt), due: displayTime(x.dueAt), overdue: x.dueAt < now)
            })
        return pages.views.render("exceptions", ["page": model], context: context, current: Route.board.path)
    }
}

// MARK: Models

/// `trackLookup`: the order number and phone form.
struct TrackLookupModel {
    var action: String
    var number: String
    var phone: String
    var error: String?
    var numberError: String?
    var phoneError: String?
    var zhHref: String
    var enHref: String
}

/// `tracking`: the customer's page of one order.
struct TrackingPageModel {
    struct Step {
        var label: String
        var time: String?
        var done: Bool
        var current: Bool
    }

    struct Line {
        var name: String
        var quantity: String
        var amount: String
    }

    struct Event {
        var time: String
        var what: String
        var place: String?
    }

    struct Shipment {
        var number: String
        var status: String
        var statusKey: String
        var carrier: String?
        var tracking: String?
        var eta: String?
        var delivered: String?
        var events: [Event]
    }

    struct Report {
        var number: String
        var kind: String
        var opened: String
        var status: String
    }

    typealias Option = PurchasingPageModel.Option

    var number: String
    var phase: String
    var phaseKey: String
    var notice: String?
    var customer: String
    var promised: String
    var total: String
    var steps: [Step]
    var lines: [Line]
    var shipments: [Shipment]
    var reports: [Report]
    var reportAction: String
    var kinds: [Option]
    var description: String
    var contact: String
    var descriptionError: String?
    var contactError: String?
    var zhHref: String
    var enHref: String
}

/// `exceptions`: the open exceptions, worst first.
struct ExceptionsPageModel {
    struct Row {
        var number: String
        var href: String
        var orderHref: String
        var order: String
        var customer: String
        var kind: String
        var severity: String
        var severityKey: String
        var source: String
        var description: String
        var contact: String
        var owner: String
        var opened: String
        var due: String
        var overdue: Bool
    }

    var rows: [Row]
}
