import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The back office's pages.
struct WebPages {
    let store: Store
    let views: Views
    let settings: SecuritySettings

    func register(on routes: SecureRoutes) {
        routes.staticAsset(.stylesheet, type: "text/css; charset=utf-8", Templates.css + "\n" + ShippingTemplates.css + "\n" + TrackingTemplates.css)
        routes.staticAsset(.gridScript, type: "text/javascript; charset=utf-8", Templates.gridScript)
        routes.staticAsset(.printScript, type: "text/javascript; charset=utf-8", ShippingTemplates.printScript)
        registerSession(on: routes)
        routes.get(.home, .signedIn) { _, context in
            let identity = context.identity!
            var queues: [HomePageModel.Queue] = []
            for role in Role.allCases where identity.roles.contains(role) {
                var orders: [HomePageModel.OrderItem] = []
                for status in role.queue {
                    orders += try await store.orders.list(status: status, limit: 20).items.map { HomePageModel.OrderItem($0, language: context.language) }
                }
                queues.append(
                    HomePageModel.Queue(
                        role: role.rawValue, title: Message("ui.role.\(role.rawValue)").text(context.language),
                        description: Message("ui.queue.\(role.rawValue)").text(context.language), orders: orders,
                        queueHref: role.queue.isEmpty ? nil : Route.orders.with(role.queue.map { ("status", $0.rawValue) })))
            }
            let panels = identity.roles.reduce(HomePanels()) { $0.union($1.homePanels) }
            var supply = HomePageModel.SupplyCounts()
            // The short lines are read once for both figures that need them.
            let shortages = panels.contains(.shortages) || panels.contains(.purchasing) ? try await store.orders.shortages(limit: 1000) : []
            if panels.contains(.shortages) { supply.shortLines = shortages.count }
            if panels.contains(.purchasing) { supply.toBuy = try await store.purchasing.suggestions(shortages: shortages).count }
            if panels.contains(.transfers) { supply.transfers = try await store.transfers.transfers(open: true).count }
            if panels.contains(.production) {
                let today = store.clock.now().date(utcOffsetHours: 8)
                let open = try await store.production.productionOrders(open: true)
                supply.toPlan = try await store.production.demand().count
                supply.toStart = open.filter { $0.status != .inProgress }.count
                supply.late = open.filter { $0.isLate(today: today) }.count
            }
            let dashboard = Access.staff.allows(identity.roles)
                ? HomePageModel.DashboardPanel(
                    try await store.orders.dashboard(), roles: identity.roles, language: context.language, supply: supply)
                : nil
            return views.render("home", ["page": HomePageModel(dashboard: dashboard, queues: queues)], context: context, current: Route.home.path)
        }
        OrderPages(store: store, views: views).register(on: routes)
        let customers = MasterPages(
            store: store, pages: self, kind: .customers, title: "ui.customers", repository: store.customers,
            spec: .customer, write: .customersWrite,
            columns: [.init("ui.field.code", sort: "code"), .init("ui.field.name", sort: "name"), "ui.field.contactName", "ui.field.phone",
                      "ui.field.city", .init("ui.field.creditRating", sort: "creditRating")],
            row: { c, _ in
                [c.value.code, c.value.name, c.value.primaryContact?.name ?? "", c.value.primaryContact?.phone ?? "",
                 c.value.defaultAddress?.city ?? "", c.value.creditRating.rawValue]
            },
            summary: { [self] customer, context in try await customerSummary(customer, context) })
        customers.register(on: routes)
        // 信用条款: finance's own form on the customer page.
        routes.post(.customerCredit(.parameter), .customerCredit) { request, context in
            let stored = try await store.customers.get(id: try context.id())
            let form = try await Form.read(request, limit: 16 * 1024)
            let (value, parseProblems) = FormSpec<Customer>.credit.parse(form, stored.value)
            do {
                if !parseProblems.isEmpty { throw DocketError.invalid(parseProblems) }
                _ = try await MasterUseCases(repository: store.customers).setCreditTerms(
                    id: stored.id, version: Int64(form.text("version") ?? "") ?? -1, limit: value.creditLimit, rating: value.creditRating,
                    paymentTermsDays: value.paymentTermsDays, by: context)
                return Response(status: .seeOther, headers: [.location: Route.record(.customers, stored.id).with([("credit", "1")])])
            } catch let error as DocketError {
                let summary = try await customerSummary(stored, context, creditForm: form, creditProblems: problems(error))
                return customers.formPage(context, stored: stored, form: nil, problems: [], status: status(error), summary: summary)
            }
        }
        MasterPages(
            store: store, pages: self, kind: .products, title: "ui.products", repository: store.products,
            spec: .product, write: .productsWrite,
            columns: [.init("ui.field.sku", sort: "sku"), .init("ui.field.nameZh", sort: "nameZh"), "ui.field.unit",
                      .init("ui.field.listPrice", sort: "listPrice", numeric: true), .init("ui.field.shelfLifeDays", sort: "shelfLifeDays", numeric: true)],
            row: { p, _ in
                [p.value.sku, p.value.nameZh, p.value.unit, p.value.listPrice.formatted, p.value.shelfLifeDays.map(String.init) ?? "—"]
            }
        ).register(on: routes)
        MasterPages(
            store: store, pages: self, kind: .warehouses, title: "ui.warehouses", repository: store.warehouses,
            spec: .warehouse, write: .warehousesWrite,
            columns: [.init("ui.field.code", sort: "code"), .init("ui.field.name", sort: "name"), .init("ui.field.region", sort: "region"),
                      "ui.field.city", "ui.field.active", "ui.locations.title"],
            row: { w, _ in [w.value.code, w.value.name, w.value.region, w.value.address.city, w.value.active ? "✓" : "—"] },
            link: (label: "ui.locations.title", route: { .warehouseLocations($0) })
        ).register(on: routes)
        MasterPages(
            store: store, pages: self, kind: .suppliers, title: "ui.suppliers", repository: store.suppliers,
            spec: .supplier, write: .suppliersWrite,
            columns: [.init("ui.field.code", sort: "code"), .init("ui.field.name", sort: "name"), "ui.field.contactName", "ui.field.phone",
                      .init("ui.field.leadTimeDays", sort: "leadTimeDays", numeric: true)],
            row: { s, _ in [s.value.code, s.value.name, s.value.contactName ?? "", s.value.phone ?? "", String(s.value.leadTimeDays)] }
        ).register(on: routes)
        MasterPages(
            store: store, pages: self, kind: .carriers, title: "ui.carriers", repository: store.carriers,
            spec: .carrier, write: .carriersWrite,
            columns: [.init("ui.field.code", sort: "code"), .init("ui.field.name", sort: "name"), "ui.field.phone", "ui.field.services"],
            row: { c, _ in [c.value.code, c.value.name, c.value.phone ?? "", c.value.services.filter(\.active).map(\.name).joined(separator: "、")] }
        ).register(on: routes)
        MasterPages(
            store: store, pages: self, kind: .reviewRules, title: "ui.reviewRules", repository: store.reviewRules,
            spec: .reviewRule, write: .reviewRulesWrite,
            columns: [.init("ui.field.code", sort: "code"), .init("ui.field.name", sort: "name"), .init("ui.field.stage", sort: "stage"),
                      .init("ui.field.maxTotal", numeric: true), "ui.field.ratings", "ui.field.channels"],
            row: { r, language in
                [r.value.code, r.value.name, Message("review.stage.\(r.value.stage.rawValue)").text(language), r.value.maxTotal?.formatted ?? "—",
                 r.value.ratings.isEmpty ? Message("ui.list.any").text(language) : r.value.ratings.map(\.rawValue).joined(separator: "、"),
                 r.value.channels.isEmpty ? Message("ui.list.any").text(language)
                    : r.value.channels.map { Message("ui.channel.\($0.rawValue)").text(language) }.joined(separator: "、")]
            }
        ).register(on: routes)
        registerStock(on: routes)
        registerLocations(on: routes)
        registerUsers(on: routes)
        registerTokens(on: routes)
    }

    /// The customer page above the record: what it owes and how much of its credit line that uses, what is overdue,
    /// its latest orders, and its credit terms — a form for finance, figures for everyone else.
    func customerSummary(
        _ customer: Stored<Customer>, _ context: DocketRequestContext, creditForm: Form? = nil, creditProblems: [FieldProblem] = []
    ) async throws -> FormModel.Summary {
        let standing = try await store.orders.customerStanding(code: customer.value.code)
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let limit = customer.value.creditLimit.minor
        let used = limit > 0 ? String(min(standing.openBalance.minor.saturatingMultiplying(100) / limit, 999_999)) + "%" : "—"
        let editable = Access.customerCredit.allows(context.identity?.roles)
        return FormModel.Summary(
            heading: People.customer(customer.value.code, name: customer.value.name, in: language),
            facts: [
                FormModel.Fact(label: text("ui.customer.openBalance"), value: standing.openBalance.formatted, id: "open-balance"),
                FormModel.Fact(label: text("ui.field.creditLimit"), value: customer.value.creditLimit.formatted, id: "credit-limit"),
                FormModel.Fact(label: text("ui.customer.creditUsed"), value: used, id: "credit-used"),
                FormModel.Fact(label: text("ui.customer.overdue"), value: standing.overdue.formatted, id: "overdue"),
            ],
            ordersTitle: text("ui.customer.recentOrders"),
            orders: standing.recentOrders.map { order in
                FormModel.Summary.OrderRow(
                    href: Route.order(order.id).path, number: order.number, status: text("order.status.\(order.status.rawValue)"),
                    statusCode: order.status.rawValue, total: order.total.formatted, received: displayTime(order.receivedAt))
            },
            allHref: Route.orders.with([("customer", customer.value.code)]), allLabel: text("ui.customer.allOrders"),
            credit: FormModel.Summary.Credit(
                facts: [
                    FormModel.Fact(label: text("ui.field.creditRating"), value: customer.value.creditRating.rawValue, id: "credit-rating"),
                    FormModel.Fact(label: text("ui.field.creditLimit"), value: customer.value.creditLimit.formatted, id: "credit-limit-terms"),
                    FormModel.Fact(label: text("ui.field.paymentTermsDays"), value: String(customer.value.paymentTermsDays), id: "payment-terms"),
                ],
                editable: editable,
                sections: editable
                    ? FormSpec<Customer>.credit.sections(
                        submitted: creditForm, existing: customer.value, problems: creditProblems, language: language, creating: false).sections
                    : [],
                action: Route.customerCredit(customer.id).path, version: String(customer.version)))
    }

    // MARK: Sign-in, sign-out, language

    private func registerSession(on routes: SecureRoutes) {
        routes.get(.login, .everyone) { request, context in
            var response: Response
            if context.identity != nil { return Response(status: .seeOther, headers: [.location: Route.home.path]) }
            response = views.render(
                "login", ["page": LoginPageModel(next: request.uri.queryParameters.get("next") ?? "", username: "")], context: context)
            if let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) {
                response.setCookie(Cookie(name: languageCookieName, value: chosen.rawValue, maxAge: 31_536_000, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
            }
            return response
        }
        routes.post(.login, .everyone) { request, context in
            // No session yet, so no CSRF token: refuse cross-site sign-in posts by their Origin.
            guard isSameOrigin(request, context) else { throw AccessError.csrf }
            let form = try await Form.read(request, limit: 64 * 1024)
            let username = form.text("username") ?? ""
            let next = safeRedirect(form.text("next"))
            let result = try await store.auth.login(
                username: username, password: form.first("password") ?? "", ip: context.remoteAddress,
                userAgent: request.headers[.userAgent], policy: settings.policy)
            switch result {
            case .success(let token, let identity):
                var response = Response(status: .seeOther, headers: [.location: next])
                response.setCookie(
                    Cookie(name: sessionCookieName, value: token, maxAge: Int(settings.policy.absoluteTimeoutMilliseconds / 1000),
                        path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
                _ = identity
                return response
            case .invalidCredentials, .throttled:
                let message = Message(result.isThrottled ? "ui.login.throttled" : "ui.login.failed").text(context.language)
                return views.render(
                    "login", ["page": LoginPageModel(next: form.text("next") ?? "", username: username, failure: message)], context: context,
                    status: result.isThrottled ? .tooManyRequests : .ok)
            }
        }
        routes.post(.logout, .signedIn) { request, context in
            if let token = request.cookies[sessionCookieName]?.value {
                try await store.auth.logout(sessionToken: token, by: context.actor)
            }
            var response = Response(status: .seeOther, headers: [.location: Route.login.path])
            response.setCookie(Cookie(name: sessionCookieName, value: "", maxAge: 0, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
            return response
        }
        routes.post(.language, .signedIn) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let language = form.text("language").flatMap(Language.init(rawValue:)) ?? .default
            try await store.auth.setLanguage(language, for: context.identity!.user.id, by: context.actor)
            let back = request.headers[.referer].flatMap { URL(string: $0)?.path }
            return Response(status: .seeOther, headers: [.location: safeRedirect(back)])
        }
    }

    // MARK: Orders

    /// The home page's figures: orders and amounts per stage (each linking to its list), today's intake,
    /// confirmations due within four hours and orders past their promised date.
    // MARK: Stock and locations

    private func registerStock(on routes: SecureRoutes) {
        routes.get(.stock, .staff) { request, context in
            let list = try ListParameters(request)
            let page = try await store.stock.stockLots(StockQuery(search: list.search, limit: list.limit, offset: list.offset))
            let saved = request.uri.queryParameters.get("saved") != nil
            let quarantined = Message("ui.stock.quarantined").text(context.language)
            return listPage(
                title: "ui.stock.title", path: Route.stock.path, request: request, context: context, page: page,
                columns: ["ui.field.sku", "ui.field.nameZh", "ui.field.warehouse", "ui.field.location", "ui.field.lot",
                          "ui.field.expiryDate", .init("ui.field.onHand", numeric: true), .init("ui.field.reserved", numeric: true),
                          .init("ui.field.available", numeric: true)],
                cells: { s in
                    [ListPageModel.Cell(s.sku, link: Route.stockLot(s.id).path), .init(s.productName), .init(s.warehouseCode), .init(s.locationCode),
                     .init((s.lot.isEmpty ? "—" : s.lot) + (s.quarantined ? "（\(quarantined)）" : "")), .init(s.expiryDate?.iso8601 ?? "—"),
                     .init(String(s.onHand)), .init(String(s.reserved)), .init(String(s.available))]
                },
                newHref: Access.stockReceive.allows(context.identity?.roles) ? Route.stockReceive.path : nil,
                notice: saved ? Message("ui.stock.received").text(context.language) : nil, tabBar: StockPages.tabBar(.stock, context.language))
        }
        routes.get(.stockTotals, .staff) { request, context in
            let list = try ListParameters(request)
            let page = try await store.stock.stockTotals(StockQuery(search: list.search, limit: list.limit, offset: list.offset))
            return listPage(
                title: "ui.stock.totals", path: Route.stockTotals.path, request: request, context: context, page: page,
                columns: ["ui.field.sku", "ui.field.nameZh", "ui.field.warehouse", .init("ui.field.onHand", numeric: true),
                          .init("ui.field.reserved", numeric: true), .init("ui.field.available", numeric: true),
                          .init("ui.field.quarantinedQty", numeric: true), .init("ui.field.expiredQty", numeric: true),
                          .init("ui.field.inTransit", numeric: true), .init("ui.purchasing.onOrder", numeric: true)],
                cells: { t in
                    [t.sku, t.productName, t.warehouseCode, String(t.onHand), String(t.reserved), String(t.available), String(t.quarantined),
                     String(t.expired), String(t.inTransit), String(t.onOrder)].map { ListPageModel.Cell($0) }
                },
                newHref: nil, tabBar: StockPages.tabBar(.stockTotals, context.language))
        }
        routes.get(.stockMovements, .staff) { request, context in
            let list = try ListParameters(request)
            let page = try await store.stock.stockMovements(StockQuery(search: list.search, limit: list.limit, offset: list.offset))
            let cells = try await StockPages.ledger(page.items, store: store, language: context.language)
            return listPage(
                title: "ui.stock.movements", path: Route.stockMovements.path, request: request, context: context, page: page,
                columns: StockPages.movementColumns, cells: cells, newHref: nil, tabBar: StockPages.tabBar(.stockMovements, context.language))
        }
        StockPages(pages: self).register(on: routes)
        ReplenishmentPages(pages: self).register(on: routes)
        ProductionPages(pages: self).register(on: routes)
        ShippingPages(pages: self).register(on: routes)
        TrackingPages(pages: self).register(on: routes)
        SelfServicePages(pages: self).register(on: routes)
        ExceptionPages(pages: self).register(on: routes)
        @Sendable func receiptForm(_ context: DocketRequestContext, form: Form?, problems: [FieldProblem], status: HTTPResponse.Status = .ok) -> Response {
            formResponse(
                spec: FormSpec<StockReceipt>.receipt, context: context, existing: nil, submitted: form, problems: problems,
                title: "ui.stock.receive", action: Route.stockReceive.path, cancel: Route.stock.path, current: Route.stock.path, version: nil, status: status)
        }
        routes.get(.stockReceive, .stockReceive) { _, context in receiptForm(context, form: nil, problems: []) }
        routes.post(.stockReceive, .stockReceive) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let (receipt, parseProblems) = FormSpec<StockReceipt>.receipt.parse(form, nil)
            do {
                if !parseProblems.isEmpty { throw DocketError.invalid(parseProblems) }
                _ = try await store.stock.receive(receipt, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.stock.with([("saved", "1"), ("q", receipt.sku)])])
            } catch let error as DocketError {
                return receiptForm(context, form: form, problems: problems(error), status: status(error))
            }
        }
    }

    private func registerLocations(on routes: SecureRoutes) {
        @Sendable func page(_ context: DocketRequestContext, warehouse: ID<Warehouse>, form: Form?, problems: [FieldProblem], status: HTTPResponse.Status = .ok) async throws -> Response {
            let owner = try await store.warehouses.get(id: warehouse)
            let locations = try await store.stock.locations(in: warehouse)
            let language = context.language
            let page = LocationsPageModel(
                title: "\(owner.value.name) · \(Message("ui.locations.title").text(language))",
                locations: locations.map {
                    .init(code: $0.location.code, name: $0.location.name ?? "", zone: $0.location.zone ?? "", active: yesNo($0.location.active, context))
                },
                add: Access.warehousesWrite.allows(context.identity?.roles)
                    ? .init(
                        action: Route.warehouseLocations(owner.id).path, code: form?.first("code") ?? "", name: form?.first("name") ?? "",
                        zone: form?.first("zone") ?? "",
                        problems: problems.map { FieldLabel.problem($0, in: language) })
                    : nil)
            return views.render("locations", ["page": page], context: context, status: status, current: Route.records(.warehouses).path)
        }
        routes.get(.warehouseLocations(.parameter), .staff) { _, context in
            try await page(context, warehouse: try context.id(), form: nil, problems: [])
        }
        routes.post(.warehouseLocations(.parameter), .warehousesWrite) { request, context in
            let warehouse: ID<Warehouse> = try context.id()
            let form = try await Form.read(request, limit: 64 * 1024)
            let location = Location(code: form.text("code") ?? "", name: form.text("name"), zone: form.text("zone"))
            do {
                _ = try await store.stock.createLocation(location, in: warehouse, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.warehouseLocations(warehouse).path])
            } catch let error as DocketError {
                return try await page(context, warehouse: warehouse, form: form, problems: problems(error), status: status(error))
            }
        }
    }

    /// A record form page: sections from the spec, values kept, problems beside their fields.
    func formResponse<Value>(
        spec: FormSpec<Value>, context: DocketRequestContext, existing: Value?, submitted: Form?, problems: [FieldProblem],
        title: String, action: String, cancel: String, current: String, version: Int64?, status: HTTPResponse.Status = .ok,
        notice: String? = nil, readOnly: Bool = false, summary: FormModel.Summary? = nil
    ) -> Response {
        let language = context.language
        let (sections, grids, unmatched) = spec.sections(
            submitted: submitted, existing: existing, problems: problems, language: language, creating: existing == nil)
        // Problems in rows of a table are listed too, by row and column, since a wide table may hide the cell.
        let inGrids = problems.map { problem in
            var moved = problem
            moved.field = spec.inputName(problem.field, in: submitted)
            return moved
        }.filter { problem in !unmatched.contains(problem) && spec.grids.contains { problem.field.hasPrefix($0.name + "[") } }
        let page = FormModel.Page(
            // A record with a page of its own is titled by its name (the customer), not "Edit customer".
            title: summary?.heading ?? Message(title).text(language), action: action, cancelHref: cancel,
            // Someone who may look but not change sees the record without a Save button.
            readOnly: readOnly, version: version.map(String.init),
            problemSummary: problems.isEmpty ? nil
                : ([Message("ui.form.problems", ["count": String(problems.count)]).text(language)]
                    + unmatched.map { FieldLabel.problem($0, in: language) }).joined(separator: " "),
            gridProblems: inGrids.map { FieldLabel.problem($0, in: language) }, hasGridProblems: !inGrids.isEmpty,
            sections: sections, grids: grids, hasGrids: !grids.isEmpty, summary: summary)
        return views.render("form", ["page": page], context: context, status: status, current: current, notice: notice)
    }

    func listPage<Item>(
        title: String, path: String, request: Request, context: DocketRequestContext, page: Page<Item>,
        columns: [ListColumn], cells: (Item) -> [ListPageModel.Cell], newHref: String?, notice: String? = nil,
        tabBar: ListPageModel.TabBar? = nil
    ) -> Response {
        let current = request.uri.queryParameters.get("sort") ?? ""
        let model = ListPageModel(
            title: Message(title).text(context.language), q: request.uri.queryParameters.get("q") ?? "", newHref: newHref, tabBar: tabBar,
            columns: columns.map { column in
                let link = column.sort.map { sortLink(path, request, key: $0, current: current, descendingFirst: column.numeric) }
                return ListPageModel.Column(
                    label: Message(column.label).text(context.language), num: column.numeric, sortHref: link?.href, mark: link?.mark ?? "")
            },
            columnCount: columns.count,
            rows: page.items.map { ListPageModel.Row(cells($0), columns: columns) },
            pager: pager(page, path: path, request: request, language: context.language))
        return views.render("list", ["page": model], context: context, current: path, notice: notice)
    }

    // MARK: Users (admin)

    private func registerUsers(on routes: SecureRoutes) {
        let fields: [FieldSpec] = [
            FieldSpec(name: "username", label: "ui.field.username", required: true, fixedAfterCreate: true),
            FieldSpec(name: "displayName", label: "ui.field.displayName", required: true),
            FieldSpec(name: "language", label: "ui.field.language", kind: .select(Language.allCases.map(\.rawValue))),
            FieldSpec(name: "active", label: "ui.field.active", kind: .checkbox),
            FieldSpec(name: "password", label: "ui.field.password", kind: .password),
        ] + Role.allCases.map { FieldSpec(name: "role.\($0.rawValue)", label: "ui.role.\($0.rawValue)", kind: .checkbox, section: "ui.section.access") }
        let spec = FormSpec<User>(
            fields: fields, defaults: ["active": "true", "language": "zh-CN"],
            values: { user in
                var values = ["username": user.username, "displayName": user.displayName, "language": user.language.rawValue,
                              "active": String(user.active)]
                for role in user.roles { values["role.\(role.rawValue)"] = "true" }
                return values
            },
            parse: { form, existing in
                let user = User(
                    username: existing?.username ?? (form.text("username") ?? ""), displayName: form.text("displayName") ?? "",
                    roles: Role.allCases.filter { form.flag("role.\($0.rawValue)") },
                    language: form.text("language").flatMap(Language.init(rawValue:)) ?? .default,
                    active: form.flag("active"))
                return (user, [])
            })
        @Sendable func formPage(_ context: DocketRequestContext, user: StoredUser?, form: Form?, problems: [FieldProblem], status: HTTPResponse.Status = .ok, notice: String? = nil) -> Response {
            formResponse(
                spec: spec, context: context, existing: user?.user, submitted: form, problems: problems,
                title: user == nil ? "ui.users.new" : "ui.users.edit", action: user.map { Route.user($0.id).path } ?? Route.users.path,
                cancel: Route.users.path, current: Route.users.path, version: user?.version, status: status, notice: notice)
        }
        routes.get(.users, .administration) { request, context in
            let users = try await store.auth.users()
            let page = Page(items: users, total: users.count, limit: max(users.count, 1), offset: 0)
            return listPage(
                title: "ui.users.title", path: Route.users.path, request: request, context: context, page: page,
                columns: ["ui.field.username", "ui.field.displayName", "ui.section.access", "ui.field.language", "ui.field.active"],
                cells: { u in
                    [ListPageModel.Cell(u.user.username, link: Route.user(u.id).path), ListPageModel.Cell(u.user.displayName),
                     ListPageModel.Cell(u.user.roles.map { Message("ui.role.\($0.rawValue)").text(context.language) }.joined(separator: "、")),
                     ListPageModel.Cell(u.user.language == .zhCN ? "中文" : "English"), ListPageModel.Cell(yesNo(u.user.active, context))]
                },
                newHref: Route.userNew.path)
        }
        routes.get(.userNew, .administration) { _, context in formPage(context, user: nil, form: nil, problems: []) }
        routes.post(.users, .administration) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let user = spec.parse(form, nil).value
            do {
                let stored = try await store.auth.addUser(user, password: form.first("password") ?? "", by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.user(stored.id).with([("saved", "1")])])
            } catch let error as DocketError {
                return formPage(context, user: nil, form: form, problems: problems(error), status: status(error))
            }
        }
        routes.get(.user(.parameter), .administration) { request, context in
            let user = try await store.auth.user(id: try context.id())
            let saved = request.uri.queryParameters.get("saved") != nil
            return formPage(context, user: user, form: nil, problems: [], notice: saved ? Message("ui.form.saved").text(context.language) : nil)
        }
        routes.post(.user(.parameter), .administration) { request, context in
            let id: ID<User> = try context.id()
            let current = try await store.auth.user(id: id)
            let form = try await Form.read(request, limit: 64 * 1024)
            let user = spec.parse(form, current.user).value
            do {
                _ = try await store.auth.updateUser(id, version: Int64(form.text("version") ?? "") ?? -1, user, by: context.actor)
                if let password = form.first("password"), !password.isEmpty {
                    try await store.auth.setPassword(password, for: id, by: context.actor)
                }
                return Response(status: .seeOther, headers: [.location: Route.user(id).with([("saved", "1")])])
            } catch let error as DocketError {
                return formPage(context, user: current, form: form, problems: problems(error), status: status(error))
            }
        }
    }

    // MARK: API tokens (each user's own)

    private func registerTokens(on routes: SecureRoutes) {
        @Sendable func page(_ context: DocketRequestContext, newToken: String? = nil) async throws -> Response {
            let tokens = try await store.auth.apiTokens(for: context.identity!.user.id)
            let page = TokensPageModel(
                tokens: tokens.reversed().map {
                    .init(name: $0.name, prefix: $0.prefix, createdAt: displayTime($0.createdAt), lastUsed: displayTime($0.lastUsedAt),
                        revoked: $0.revoked, revokeAction: Route.tokenRevoke($0.id).path)
                },
                newToken: newToken)
            return views.render("tokens", ["page": page], context: context, current: Route.tokens.path)
        }
        routes.get(.tokens, .signedIn) { _, context in try await page(context) }
        routes.post(.tokens, .signedIn) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let created = try await store.auth.createAPIToken(for: context.identity!.user.id, name: form.text("name") ?? "", by: context.actor)
            return try await page(context, newToken: created.token)
        }
        routes.post(.tokenRevoke(Route.parameter), .signedIn) { _, context in
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
            try await store.auth.revokeAPIToken(id, of: context.identity!.user.id, by: context.actor)
            return Response(status: .seeOther, headers: [.location: Route.tokens.path])
        }
    }
}

/// List, new, create, edit and update pages for one kind of master data.
struct MasterPages<Value: Codable & Sendable & Hashable & Validatable> {
    let store: Store
    /// The page set that registers these pages: its list and form rendering (and its settings) are used as is.
    let pages: WebPages
    let kind: Route.RecordKind
    var path: String { Route.records(kind).path }
    /// Catalogue prefix: `<title>.title`, `.new`, `.edit`.
    let title: String
    let repository: MasterRepository<Value>
    let spec: FormSpec<Value>
    let write: Access
    let columns: [ListColumn]
    let row: @Sendable (Stored<Value>, Language) -> [String]
    /// An extra link column per row, e.g. a warehouse's locations.
    var link: (label: String, route: @Sendable (ID<Value>) -> Route)? = nil
    /// A panel above an existing record's form (the customer's balance and latest orders).
    var summary: (@Sendable (Stored<Value>, DocketRequestContext) async throws -> FormModel.Summary)? = nil

    func register(on routes: SecureRoutes) {
        routes.get(.records(kind), .staff) { request, context in
            let page = try await repository.list(try ListParameters(request).listQuery)
            return pages.listPage(
                title: "\(title).title", path: path, request: request, context: context, page: page, columns: columns,
                cells: { item in
                    // The first column links to the record; an extra column may link to its parts (a warehouse's locations).
                    row(item, context.language).enumerated().map { ListPageModel.Cell($0.element, link: $0.offset == 0 ? Route.record(kind, item.id).path : nil) }
                        + (link.map { [ListPageModel.Cell(Message($0.label).text(context.language), link: $0.route(item.id).path)] } ?? [])
                },
                newHref: write.allows(context.identity?.roles) ? Route.recordNew(kind).path : nil)
        }
        routes.get(.recordNew(kind), write) { _, context in
            formPage(context, stored: nil, form: nil, problems: [])
        }
        routes.post(.records(kind), write) { request, context in
            let form = try await Form.read(request, limit: 256 * 1024)
            let (value, parseProblems) = spec.parse(form, nil)
            do {
                if !parseProblems.isEmpty { throw DocketError.invalid(allProblems(value, parseProblems)) }
                let stored = try await MasterUseCases(repository: repository).create(value, by: context)
                return Response(status: .seeOther, headers: [.location: Route.record(kind, stored.id).with([("saved", "1")])])
            } catch let error as DocketError {
                return formPage(context, stored: nil, form: form, problems: problems(error), status: status(error))
            }
        }
        routes.get(.record(kind, Route.parameter), .staff) { request, context in
            let stored = try await repository.get(id: try context.id())
            let query = request.uri.queryParameters
            let notice = query.get("saved") != nil ? "ui.form.saved" : query.get("credit") != nil ? "ui.credit.saved" : nil
            return formPage(
                context, stored: stored, form: nil, problems: [], notice: notice.map { Message($0).text(context.language) },
                summary: try await summary?(stored, context))
        }
        routes.post(.record(kind, Route.parameter), write) { request, context in
            let stored = try await repository.get(id: try context.id())
            let form = try await Form.read(request, limit: 256 * 1024)
            let (value, parseProblems) = spec.parse(form, stored.value)
            do {
                if !parseProblems.isEmpty { throw DocketError.invalid(allProblems(value, parseProblems)) }
                let updated = try await MasterUseCases(repository: repository).update(
                    id: stored.id, version: Int64(form.text("version") ?? "") ?? -1, value, by: context)
                return Response(status: .seeOther, headers: [.location: Route.record(kind, updated.id).with([("saved", "1")])])
            } catch let error as DocketError {
                return formPage(context, stored: stored, form: form, problems: problems(error), status: status(error))
            }
        }
    }

    func formPage(
        _ context: DocketRequestContext, stored: Stored<Value>?, form: Form?, problems: [FieldProblem],
        status: HTTPResponse.Status = .ok, notice: String? = nil, summary: FormModel.Summary? = nil
    ) -> Response {
        pages.formResponse(
            spec: spec, context: context, existing: stored?.value, submitted: form, problems: problems,
            title: stored == nil ? "\(title).new" : "\(title).edit", action: stored.map { Route.record(kind, $0.id).path } ?? path,
            cancel: path, current: path, version: stored?.version, status: status, notice: notice,
            readOnly: !write.allows(context.identity?.roles), summary: summary)
    }
}

/// What could not be read from the form and every other problem of the value, at once, so a person fixes them in
/// one go (a field that could not be read is reported once, as such).
func allProblems(_ value: some Validatable, _ parseProblems: [FieldProblem]) -> [FieldProblem] {
    do {
        try value.validate()
        return parseProblems
    } catch {
        let unread = Set(parseProblems.map(\.field))
        return parseProblems + (problems(error)).filter { !unread.contains($0.field) }
    }
}

/// The field problems a domain error means for a form.
func problems(_ error: DocketError) -> [FieldProblem] {
    switch error {
    case .invalid(let problems): problems
    case .duplicate(_, let field, let value): [FieldProblem(field, "duplicate", ["value": value])]
    case .versionConflict(_, _, let current): [FieldProblem("version", "invalidValue", ["allowed": String(current)])]
    case .notFound(_, let key), .archived(_, let key): [FieldProblem("", "notFound", ["value": key])]
    case .illegalTransition(let number, _, _): [FieldProblem("", "invalidValue", ["allowed": number])]
    case .concurrentRequest(let key): [FieldProblem("Idempotency-Key", "duplicate", ["value": key])]
    case .staleStage, .conflict: [FieldProblem("", "changedMeanwhile")]
    }
}

func status(_ error: DocketError) -> HTTPResponse.Status {
    switch error {
    case .invalid: .unprocessableContent
    case .notFound: .notFound
    case .duplicate, .versionConflict, .archived, .illegalTransition, .concurrentRequest, .staleStage, .conflict: .conflict
    }
}

extension SecureRoutes {
    /// A file the pages load (stylesheet, script), open to everyone and cached for an hour.
    func staticAsset(_ route: Route, type: String, _ text: String) {
        get(route, .everyone) { _, _ in
            Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

/// A list page (`list` template): search, sortable headers, rows of cells, the pager.
struct ListPageModel {
    struct Column {
        var label: String
        var num: Bool
        var sortHref: String?
        var mark: String
    }

    struct Cell {
        var text: String
        var link: String?
        var num = false

        init(_ text: String, link: String? = nil) {
            self.text = text
            self.link = link
        }
    }

    struct Row {
        var cells: [Cell]

        init(cells: [Cell]) { self.cells = cells }

        /// A row whose numbers are right-aligned in the columns that hold them.
        init(_ cells: [Cell], columns: [ListColumn]) {
            self.cells = cells.enumerated().map { index, cell in
                var cell = cell
                cell.num = index < columns.count && columns[index].numeric
                return cell
            }
        }
    }

    /// Views of the same thing side by side (库存明细 · 库存汇总 · 库存流水).
    struct Tab {
        var label: String
        var href: String
        var current: Bool
    }

    struct TabBar {
        var tabs: [Tab]
    }

    var title: String
    var q: String
    var newHref: String?
    var tabBar: TabBar?
    var columns: [Column]
    var columnCount: Int
    var rows: [Row]
    var pager: PagerModel
}

/// A column of a list page: its label, the field it sorts by (if any), and whether it holds numbers.
struct ListColumn: ExpressibleByStringLiteral {
    var label: String
    var sort: String? = nil
    var numeric = false

    init(_ label: String, sort: String? = nil, numeric: Bool = false) {
        self.label = label
        self.sort = sort
        self.numeric = numeric
    }

    init(stringLiteral label: String) { self.label = label }
}

/// A column header's sort link: the first click sorts by `key` (numbers and times largest first), a second
/// click on the same column turns the order round; `mark` shows the current order.
func sortLink(_ path: String, _ request: Request, key: String, current: String, descendingFirst: Bool) -> SortLink {
    let active = current == key || current == "-" + key
    let descending = active ? !current.hasPrefix("-") : descendingFirst
    return SortLink(
        href: listAddress(path, request, setting: "sort", to: (descending ? "-" : "") + key),
        mark: active ? (current.hasPrefix("-") ? " ▼" : " ▲") : "")
}

struct SortLink {
    var href: String
    var mark: String
}

/// A list page's range text and its previous/next links. The links keep every filter of the request (each query
/// parameter but `offset`).
/// The list's address with one parameter set to `value`, the others of the request kept (blank ones dropped). Any
/// change but paging starts again at the first page.
func listAddress(_ path: String, _ request: Request, setting name: String, to value: String) -> String {
    let kept = (URLComponents(string: "?" + (request.uri.query ?? ""))?.queryItems ?? [])
        .filter { $0.name != name && $0.name != "offset" && !($0.value ?? "").isEmpty }
    var components = URLComponents()
    components.queryItems = [URLQueryItem(name: name, value: value)] + kept
    return path + "?" + (components.percentEncodedQuery ?? "")
}

func pager<Item>(_ page: Page<Item>, path: String, request: Request, language: Language) -> PagerModel {
    func link(_ offset: Int) -> String { listAddress(path, request, setting: "offset", to: String(offset)) }
    let from = page.items.isEmpty ? 0 : page.offset + 1
    // Page numbers around the current one (and the first and last), and the page sizes to choose from.
    let size = max(page.limit, 1)
    let count = max(1, (page.total + size - 1) / size)
    let current = page.offset / size + 1
    let shown = count > 1 ? Set([1, count] + Array(max(1, current - 2)...min(count, current + 2))).sorted() : []
    return PagerModel(
        range: Message(
            page.totalCapped ? "ui.list.rangeMore" : "ui.list.range", ["from": String(from), "to": String(page.offset + page.items.count), "total": String(page.total)])
            .text(language),
        previous: page.offset > 0 ? link(max(0, page.offset - page.limit)) : nil,
        next: page.offset + page.items.count < page.total || page.totalCapped ? link(page.offset + page.limit) : nil,
        pages: shown.map { PagerModel.PageLink(number: $0, href: link(($0 - 1) * size), current: $0 == current) },
        sizes: [20, 50, 100].map { PagerModel.Size(size: $0, href: listAddress(path, request, setting: "limit", to: String($0)), current: $0 == page.limit) })
}

/// A list's paging: where the page is, previous and next, page numbers and page sizes (the `pager` partial).
struct PagerModel {
    struct PageLink {
        var number: Int
        var href: String
        var current: Bool
    }

    struct Size {
        var size: Int
        var href: String
        var current: Bool
    }

    var range: String
    var previous: String?
    var next: String?
    var pages: [PageLink]
    var sizes: [Size]
}

func yesNo(_ value: Bool, _ context: DocketRequestContext) -> String {
    Message(value ? "ui.form.yes" : "ui.form.no").text(context.language)
}

/// Only same-site paths: never redirect to another host after sign-in.
/// Where to go after signing in: only a path of this site. Anything that a browser could read as another host —
/// `//evil`, `/\\evil`, `/<TAB>/evil` (browsers drop tabs and line breaks in URLs) — goes home instead.
func safeRedirect(_ target: String?) -> String {
    guard let target, target.hasPrefix("/"), !target.hasPrefix("//"),
        target.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
    else { return "/" }
    return target
}

extension LoginResult {
    var isThrottled: Bool { if case .throttled = self { true } else { false } }
}
