import DocketCore
import DocketStore

/// The home page as typed models: the dashboard panel (for staff) and one work queue per role, each rendered by its
/// own partial (`dashboardPanel`, `queuePanel`). See `OrderPageModel` for how Mustache reads them.
struct HomePageModel {
    /// What waits in supply: short lines, products to buy, transfers under way, production to plan, start or chase.
    struct SupplyCounts {
        var shortLines: Int?
        var toBuy: Int?
        var transfers: Int?
        var toPlan: Int?
        var toStart: Int?
        var late: Int?
    }

    struct Figure {
        var key: String
        var label: String
        var count: Int64
        var amount: String
        var href: String
    }

    struct OrderItem {
        var href: String
        var number: String
        var customer: String
        var status: String
        var total: String
        /// The confirmation deadline or the promised date.
        var due: String
    }

    struct ItemList {
        var count: Int64
        var items: [OrderItem]
    }

    struct Today {
        var count: Int64
        var amount: String
    }

    /// What waits on me, the stages my roles watch, and the panels their work needs (`Role.homeStages`,
    /// `Role.homePanels`).
    struct DashboardPanel {
        var mine: [Figure]
        var stages: [Figure]
        var today: Today?
        var dueSoon: ItemList?
        var overdue: ItemList?
    }

    struct Queue {
        var role: String
        var title: String
        var description: String
        var orders: [OrderItem]
        var queueHref: String?
    }

    var dashboard: DashboardPanel?
    var queues: [Queue]
}

extension HomePageModel.OrderItem {
    init(_ order: StoredOrder, language: Language) {
        self.init(
            href: Route.order(order.id).path, number: order.number,
            customer: People.customer(order.customerCode, name: order.customerName, in: language),
            status: Message("order.status.\(order.status.rawValue)").text(language), total: order.total.formatted, due: "")
    }

    init(_ item: Dashboard.Item, language: Language) {
        self.init(
            href: Route.order(item.id).path, number: item.number,
            customer: People.customer(item.customerCode, name: item.customerName, in: language),
            status: Message("order.status.\(item.status.rawValue)").text(language), total: item.total.formatted,
            due: item.deadline.map { displayTime($0) } ?? item.promisedDate?.iso8601 ?? "")
    }
}

extension HomePageModel.DashboardPanel {
    /// `supply`: the shortage, purchasing, transfer and production counts (read only for roles with those panels).
    init(_ board: Dashboard, roles: Set<Role>, language: Language, supply: HomePageModel.SupplyCounts = .init()) {
        let roles = Role.allCases.filter { roles.contains($0) }
        let panels = roles.reduce(HomePanels()) { $0.union($1.homePanels) }
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        mine = OrderStatus.allCases.filter { status in roles.contains { $0.queue.contains(status) } }.map { status in
            let figure = board.figure(status)
            return HomePageModel.Figure(
                key: status.rawValue, label: text("ui.home.waiting", ["status": text("order.status.\(status.rawValue)")]), count: figure.count,
                amount: figure.amount.formatted, href: Route.orders.with([("status", status.rawValue)]))
        }
        let extra: [(HomePanels, String, String, Int?, Route)] = [
            (.shortages, "shortages", "ui.shortages.title", supply.shortLines, .shortages),
            (.purchasing, "purchasing", "ui.home.toBuy", supply.toBuy, .purchasing),
            (.transfers, "transfers", "ui.home.transfers", supply.transfers, .transfers),
            (.production, "toPlan", "ui.home.toPlan", supply.toPlan, .production),
            (.production, "toStart", "ui.home.toStart", supply.toStart, .production),
            (.production, "late", "ui.home.productionLate", supply.late, .production),
        ]
        for (panel, key, label, count, route) in extra where panels.contains(panel) {
            guard let count else { continue }
            mine.append(HomePageModel.Figure(key: key, label: text(label), count: Int64(count), amount: "", href: route.path))
        }
        stages = OrderStage.allCases.filter { stage in roles.contains { $0.homeStages.contains(stage) } }.map { stage in
            let figure = board.figure(stage)
            return HomePageModel.Figure(
                key: stage.rawValue, label: text("ui.stage.\(stage.rawValue)"), count: figure.count, amount: figure.amount.formatted,
                href: Route.orders.with([("stage", stage.rawValue)]))
        }
        today = panels.contains(.today) ? HomePageModel.Today(count: board.today.count, amount: board.today.amount.formatted) : nil
        dueSoon = panels.contains(.confirmationsDue)
            ? HomePageModel.ItemList(
                count: Int64(board.confirmationsDue.count), items: board.confirmationsDue.map { HomePageModel.OrderItem($0, language: language) })
            : nil
        overdue = panels.contains(.overdue)
            ? HomePageModel.ItemList(count: board.overdueCount, items: board.overdue.map { HomePageModel.OrderItem($0, language: language) })
            : nil
    }
}
