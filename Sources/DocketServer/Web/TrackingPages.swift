import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// 订单跟踪: the kanban board (看板) with its overdue list, the month's service-window penalties with their exemption,
/// and the notification pages — the deliveries (dead letters sent again from here) and the webhook subscriptions.
struct TrackingPages {
    let pages: WebPages
    var store: Store { pages.store }

    func register(on routes: SecureRoutes) {
        routes.get(.board, .staff) { request, context in
            let query = request.uri.queryParameters
            func nonEmpty(_ name: String) -> String? { query.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
            let filter = BoardFilter(warehouse: nonEmpty("warehouse"), customer: nonEmpty("customer"), type: nonEmpty("type").flatMap(OrderType.init(rawValue:)))
            return try await boardPage(filter, context)
        }
        routes.get(.penalties, .staff) { request, context in
            let done = request.uri.queryParameters.get("done") == "exempt" ? Message("ui.sla.done.exempt").text(context.language) : nil
            return try await penaltiesPage(month: request.uri.queryParameters.get("month"), context, notice: done)
        }
        routes.post(.penaltyExempt(Route.parameter), .penalties) { request, context in
            let id: Int64 = try context.rawID()
            let form = try await Form.read(request, limit: 64 * 1024)
            let month = form.text("month")
            do {
                _ = try await store.serviceLevels.exempt(id: id, note: form.text("note"), version: form.text("version").flatMap(Int64.init), by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.penalties.with([("month", month ?? ""), ("done", "exempt")])])
            } catch let error as DocketError {
                return try await penaltiesPage(
                    month: month, context, error: (id, ReplenishmentPages.sentence(error, context.language)), status: status(error))
            }
        }
        routes.get(.notifications, .notifications) { request, context in
            let query = request.uri.queryParameters
            let done = query.get("done") == "redeliver" ? Message("ui.notify.done.redeliver").text(context.language) : nil
            return try await deliveriesPage(query.get("status").flatMap(DeliveryStatus.init(rawValue:)) ?? .dead, context, notice: done)
        }
        routes.post(.redeliver(Route.parameter), .notifications) { request, context in
            let id: Int64 = try context.rawID()
            _ = try await Form.read(request, limit: 16 * 1024)
            do {
                _ = try await store.deliveries.redeliver(id: id, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.notifications.with([("status", "pending"), ("done", "redeliver")])])
            } catch let error as DocketError {
                return try await deliveriesPage(.dead, context, error: ReplenishmentPages.sentence(error, context.language), httpStatus: status(error))
            }
        }
        routes.get(.webhooks, .administration) { request, context in
            let done = request.uri.queryParameters.get("done")
            let notice = ["saved", "rotated"].contains(done ?? "") ? Message("ui.webhook.done.\(done!)").text(context.language) : nil
            return try await webhooksPage(context, notice: notice)
        }
        routes.post(.webhooks, .administration) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let draft = Self.draft(form)
            do {
                _ = try await store.deliveries.subscribe(draft, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.webhooks.with([("done", "saved")])])
            } catch let error as DocketError {
                return try await webhooksPage(context, typed: draft, error: error, status: status(error))
            }
        }
        routes.get(.webhook(Route.parameter), .administration) { _, context in
            try await webhookPage(try context.rawID(), context)
        }
        routes.post(.webhook(Route.parameter), .administration) { request, context in
            let id: Int64 = try context.rawID()
            let form = try await Form.read(request, limit: 64 * 1024)
            let draft = Self.draft(form)
            do {
                _ = try await store.deliveries.update(id: id, version: form.text("version").flatMap(Int64.init) ?? 0, draft, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.webhooks.with([("done", "saved")])])
            } catch let error as DocketError {
                return try await webhookPage(id, context, typed: draft, error: error, status: status(error))
            }
        }
        routes.post(.webhookRotate(Route.parameter), .administration) { request, context in
            let id: Int64 = try context.rawID()
            let form = try await Form.read(request, limit: 16 * 1024)
            do {
                _ = try await store.deliveries.rotateSecret(id: id, version: form.text("version").flatMap(Int64.init), by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.webhooks.with([("done", "rotated")])])
            } catch let error as DocketError {
                return try await webhookPage(id, context, error: error, status: status(error))
            }
        }
    }

    static func draft(_ form: Form) -> WebhookSubscriptionDraft {
        WebhookSubscriptionDraft(
            name: form.text("name") ?? "", url: form.text("url") ?? "", topics: form.all("topics").filter { !$0.isEmpty }, active: form.flag("active"))
    }

    // MARK: Board

    private func boardPage(_ filter: BoardFilter, _ context: DocketRequestContext) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let board = try await store.serviceLevels.board(filter)
        let warehouses = try await store.warehouses.list(ListQuery(limit: 200)).items.filter { $0.value.active }
        func card(_ card: Board.Card) -> BoardPageModel.Card {
            let left: String
            switch card.standing {
            case .finished: left = text("ui.board.finished")
            case .late: left = text("ui.board.daysLate", ["days": String(max(1, -card.daysLeft))])
            default: left = card.daysLeft == 0 ? text("ui.board.dueToday") : text("ui.board.daysLeft", ["days": String(card.daysLeft)])
            }
            return BoardPageModel.Card(
                href: Route.order(card.id).path, number: card.number,
                customer: People.customer(card.customerCode, name: card.customerName, in: language),
                type: text("order.type.\(card.type.rawValue)"), typeKey: card.type.rawValue, urgent: card.urgent,
                status: text("order.status.\(card.status.rawValue)"), statusKey: card.status.rawValue,
                held: card.status == .onHold ? text("order.status.on_hold") : nil,
                promised: card.promisedDate?.iso8601 ?? "—", standing: card.standing.rawValue, standingLabel: text("ui.board.standing.\(card.standing.rawValue)"),
                left: left, total: card.total.formatted,
                serviceDue: card.serviceDueAt.map { displayTime($0) } ?? "—")
        }
        let filters = [("warehouse", filter.warehouse ?? ""), ("customer", filter.customer ?? ""), ("type", filter.type?.rawValue ?? "")]
        let model = BoardPageModel(
            action: Route.board.path,
            warehouses: .warehouseFilter(warehouses.map(\.value), chosen: filter.warehouse, language),
            types: [BoardPageModel.Option(value: "", label: text("ui.board.allTypes"), selected: filter.type == nil)]
                + OrderType.allCases.map { BoardPageModel.Option(value: $0.rawValue, label: text("order.type.\($0.rawValue)"), selected: $0 == filter.type) },
            customer: filter.customer ?? "",
            filtered: filter != BoardFilter(), clearHref: Route.board.path,
            refreshSeconds: 60, refreshedAt: displayTime(store.clock.now()),
            columns: board.columns.map { column in
                BoardPageModel.Column(
                    key: column.column.rawValue, label: text("ui.board.column.\(column.column.rawValue)"), count: column.count,
                    cards: column.cards.map(card),
                    more: column.count > Int64(column.cards.count) ? text("ui.board.more", ["count": String(column.count - Int64(column.cards.count))]) : nil)
            },
            overdue: board.overdue.map(card), overdueCount: board.overdueCount,
            overdueMore: board.overdueCount > Int64(board.overdue.count)
                ? text("ui.board.more", ["count": String(board.overdueCount - Int64(board.overdue.count))]) : nil,
            penaltiesHref: Route.penalties.path, exceptionsHref: Route.exceptions.path,
            selfHref: Route.board.with(filters))
        return pages.views.render("board", ["page": model], context: context, current: Route.board.path)
    }

    // MARK: Penalties

    private func penaltiesPage(
        month: String?, _ context: DocketRequestContext, notice: String? = nil, error: (id: Int64, message: String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let current = ServiceLevel.month(of: store.clock.now())
        let chosen = month.flatMap { ServiceLevel.parseMonth($0) != nil ? $0 : nil } ?? current
        let data = try await store.serviceLevels.month(chosen)
        let people = try await store.auth.people(for: data.penalties.compactMap(\.decidedBy))
        let manage = Access.penalties.allows(context.identity?.roles)
        let first = ServiceLevel.parseMonth(chosen)!
        let previous = String(first.adding(days: -1).iso8601.prefix(7))
        let next = String(first.adding(days: 32).iso8601.prefix(7))
        let model = PenaltiesPageModel(
            month: chosen, action: Route.penalties.path,
            previousHref: Route.penalties.with([("month", previous)]), nextHref: Route.penalties.with([("month", next)]),
            count: data.penalties.count, owed: data.owed.formatted, exempt: data.exempt.formatted,
            rows: data.penalties.map { penalty in
                let exemption = penalty.exemption.map { exemption -> String in
                    let reason = text("ui.sla.exemption.\(exemption.rawValue)", ["date": penalty.note ?? ""])
                    let note = exemption == .explained ? penalty.note : nil
                    let who = penalty.decidedBy.map { people.name(of: $0, in: language) }
                    return [reason, note, who, penalty.decidedAt.map(displayTime)].compactMap { $0 }.joined(separator: " · ")
                }
                return PenaltiesPageModel.Row(
                    id: penalty.id, orderHref: Route.order(penalty.orderID).path, order: penalty.orderNumber,
                    customer: People.customer(penalty.customerCode, name: penalty.customerName, in: language),
                    type: text("order.type.\(penalty.type.rawValue)"), confirmed: penalty.confirmedAt.map(displayTime) ?? "—", due: displayTime(penalty.dueAt),
                    lines: penalty.lines.map { text("ui.sla.lateLine", ["sku": $0.sku, "late": String($0.late), "ordered": String($0.ordered)]) }
                        .joined(separator: "；"),
                    base: penalty.base.formatted, rate: Self.percent(penalty.basisPoints), amount: penalty.amount.formatted,
                    status: text("ui.sla.status.\(penalty.status.rawValue)"), statusKey: penalty.status.rawValue, exemption: exemption,
                    exemptAction: manage && penalty.status == .recorded ? Route.penaltyExempt(penalty.id).path : nil, version: penalty.version,
                    error: error?.id == penalty.id ? error?.message : nil)
            },
            hint: text(
                "ui.sla.hint",
                [
                    "rate": Self.percent(store.policy.penaltyBasisPoints),
                    "windows": OrderType.allCases.map {
                        text("ui.sla.window", ["type": text("order.type.\($0.rawValue)"), "days": String(store.policy.serviceWindowDays($0))])
                    }.joined(separator: language == .zhCN ? "，" : ", "),
                ]))
        return pages.views.render("penalties", ["page": model], context: context, status: status, current: Route.board.path, notice: notice)
    }

    /// Basis points as a percentage for people: 1000 → "10%", 1250 → "12.5%".
    static func percent(_ points: Int) -> String {
        let whole = points / 100
        let fraction = points % 100
        if fraction == 0 { return "\(whole)%" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)%" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    // MARK: Deliveries

    private func deliveriesPage(
        _ status: DeliveryStatus, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil, httpStatus: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let counts = try await store.deliveries.counts()
        let rows = try await store.deliveries.list(status: status, limit: 200)
        let model = DeliveriesPageModel(
            tabs: [DeliveryStatus.dead, .pending, .delivered].map { tab in
                DeliveriesPageModel.Tab(
                    label: text("ui.notify.status.\(tab.rawValue)"), count: counts[tab] ?? 0, href: Route.notifications.with([("status", tab.rawValue)]),
                    current: tab == status, key: tab.rawValue)
            },
            error: error, hint: text("ui.notify.hint.\(status.rawValue)"),
            webhooksHref: Access.administration.allows(context.identity?.roles) ? Route.webhooks.path : nil,
            showDelivered: status == .delivered, showNext: status == .pending,
            rows: rows.map { delivery in
                let failure = delivery.lastError.map(DeliveryFailure.parse)
                return DeliveriesPageModel.Row(
                    id: delivery.id, created: displayTime(delivery.createdAt), topic: Self.topicName(delivery.topic, language),
                    orderHref: delivery.orderID.map { Route.order($0).path }, order: delivery.orderNumber ?? "—",
                    channel: text("ui.notify.channel.\(delivery.channel.rawValue)"),
                    recipient: delivery.channel == .webhook ? (delivery.webhookName ?? delivery.webhookURL ?? delivery.recipient) : delivery.recipient,
                    subject: delivery.subject ?? "", attempts: delivery.attempts,
                    lastError: failure.map { text("ui.notify.failure.\($0.kind.rawValue)") } ?? "", errorDetail: failure?.detail ?? "",
                    next: delivery.status == .pending ? displayTime(delivery.availableAt) : "—", delivered: displayTime(delivery.deliveredAt),
                    redeliverAction: delivery.status == .dead ? Route.redeliver(delivery.id).path : nil)
            })
        return pages.views.render("deliveries", ["page": model], context: context, status: httpStatus, current: Route.notifications.path, notice: notice)
    }

    /// A topic in words (`order.shipped` → 订单已发货); an unknown one as it is.
    static func topicName(_ topic: String, _ language: Language) -> String {
        guard NotificationTopic(rawValue: topic) != nil else { return topic }
        return Message("notice.\(topic.dropFirst("order.".count)).name").text(language)
    }

    // MARK: Webhooks

    private func topicOptions(_ chosen: [String], _ language: Language) -> [WebhooksPageModel.Option] {
        NotificationTopic.allCases.map {
            WebhooksPageModel.Option(value: $0.rawValue, label: Self.topicName($0.rawValue, language), selected: chosen.contains($0.rawValue))
        }
    }

    private func webhooksPage(
        _ context: DocketRequestContext, typed: WebhookSubscriptionDraft? = nil, error: DocketError? = nil, status: HTTPResponse.Status = .ok,
        notice: String? = nil
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let subscriptions = try await store.deliveries.subscriptions()
        let draft = typed ?? WebhookSubscriptionDraft(name: "", url: "", topics: [], active: true)
        let model = WebhooksPageModel(
            rows: subscriptions.map { s in
                WebhooksPageModel.Row(
                    href: Route.webhook(s.id).path, name: s.draft.name, url: s.draft.url,
                    topics: s.draft.topics.isEmpty ? text("ui.webhook.allTopics") : s.draft.topics.map { Self.topicName($0, language) }.joined(separator: "、"),
                    active: text(s.draft.active ? "ui.webhook.active" : "ui.webhook.inactive"), activeKey: s.draft.active ? "active" : "inactive")
            },
            form: WebhooksPageModel.FormPart(
                title: text("ui.webhook.new"), action: Route.webhooks.path, name: draft.name, url: draft.url, topics: topicOptions(draft.topics, language),
                active: draft.active, version: nil, secret: nil, rotateAction: nil, error: error.map { ReplenishmentPages.sentence($0, language) },
                submit: text("ui.webhook.create")),
            notificationsHref: Route.notifications.path)
        return pages.views.render("webhooks", ["page": model], context: context, status: status, current: Route.notifications.path, notice: notice)
    }

    private func webhookPage(
        _ id: Int64, _ context: DocketRequestContext, typed: WebhookSubscriptionDraft? = nil, error: DocketError? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let stored = try await store.deliveries.subscription(id: id)
        let draft = typed ?? stored.draft
        let model = WebhooksPageModel(
            rows: [],
            form: WebhooksPageModel.FormPart(
                title: "\(text("entity.webhookSubscription")) · \(stored.draft.name)", action: Route.webhook(id).path, name: draft.name, url: draft.url,
                topics: topicOptions(draft.topics, language), active: draft.active, version: stored.version, secret: stored.secret,
                rotateAction: Route.webhookRotate(id).path, error: error.map { ReplenishmentPages.sentence($0, language) }, submit: text("ui.webhook.save")),
            notificationsHref: Route.webhooks.path)
        return pages.views.render("webhook", ["page": model], context: context, status: status, current: Route.notifications.path)
    }
}

// MARK: Models

/// `board`: the kanban's filters, its columns of cards and the overdue list.
struct BoardPageModel {
    typealias Option = PurchasingPageModel.Option

    struct Card {
        var href: String
        var number: String
        var customer: String
        var type: String
        var typeKey: String
        var urgent: Bool
        var status: String
        var statusKey: String
        var held: String?
        var promised: String
        var standing: String
        var standingLabel: String
        var left: String
        var total: String
        var serviceDue: String
    }

    struct Column {
        var key: String
        var label: String
        var count: Int64
        var cards: [Card]
        var more: String?
    }

    var action: String
    var warehouses: [Option]
    var types: [Option]
    var customer: String
    var filtered: Bool
    var clearHref: String
    var refreshSeconds: Int
    var refreshedAt: String
    var columns: [Column]
    var overdue: [Card]
    var overdueCount: Int64
    var overdueMore: String?
    var penaltiesHref: String
    var exceptionsHref: String
    var selfHref: String
}

/// `penalties`: one month's service-window penalties, their sums and the exemption form.
struct PenaltiesPageModel {
    struct Row {
        var id: Int64
        var orderHref: String
        var order: String
        var customer: String
        var type: String
        var confirmed: String
        var due: String
        var lines: String
        var base: String
        var rate: String
        var amount: String
        var status: String
        var statusKey: String
        var exemption: String?
        var exemptAction: String?
        var version: Int64
        var error: String?
    }

    var month: String
    var action: String
    var previousHref: String
    var nextHref: String
    var count: Int
    var owed: String
    var exempt: String
    var rows: [Row]
    var hint: String
}

/// `deliveries`: the notification deliveries by status, dead letters with their 重新发送.
struct DeliveriesPageModel {
    struct Tab {
        var label: String
        var count: Int64
        var href: String
        var current: Bool
        var key: String
    }

    struct Row {
        var id: Int64
        var created: String
        var topic: String
        var orderHref: String?
        var order: String
        var channel: String
        var recipient: String
        var subject: String
        var attempts: Int64
        var lastError: String
        /// The technical detail, for whoever looks into it (a tooltip).
        var errorDetail: String
        var next: String
        var delivered: String
        var redeliverAction: String?
    }

    var tabs: [Tab]
    var error: String?
    var hint: String
    var webhooksHref: String?
    var showDelivered: Bool
    var showNext: Bool
    var rows: [Row]
}

/// `webhooks` and `webhook`: the subscriptions, and the form for a new one or one of them (with its secret).
struct WebhooksPageModel {
    typealias Option = PurchasingPageModel.Option

    struct Row {
        var href: String
        var name: String
        var url: String
        var topics: String
        var active: String
        var activeKey: String
    }

    struct FormPart {
        var title: String
        var action: String
        var name: String
        var url: String
        var topics: [Option]
        var active: Bool
        var version: Int64?
        var secret: String?
        var rotateAction: String?
        var error: String?
        var submit: String
    }

    var rows: [Row]
    var form: FormPart
    var notificationsHref: String
}
