import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders pages: a plain model built by the route, a Mustache template that only renders, one base layout.
struct Views: Sendable {
    let library: MustacheLibrary

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Templates.all.merging(ShippingTemplates.all, uniquingKeysWith: { a, _ in preconditionFailure("duplicate template: \(a)") })
            .merging(TrackingTemplates.all, uniquingKeysWith: { a, _ in preconditionFailure("duplicate template: \(a)") })
            .merging(ExceptionTemplates.all, uniquingKeysWith: { a, _ in preconditionFailure("duplicate template: \(a)") }) {
            templates[name] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The addresses templates link to without parameters (`{{route.orders}}`); the others come with their page's
    /// model, built from `Route` too.
    private static let routes: [String: String] = [
        "home": Route.home.path, "login": Route.login.path, "logout": Route.logout.path, "language": Route.language.path,
        "stylesheet": Route.stylesheet.path, "gridScript": Route.gridScript.path, "entryScript": Route.entryScript.path, "printScript": Route.printScript.path,
        "orders": Route.orders.path, "orderNew": Route.orderNew.path, "orderImport": Route.orderImport.path,
        "orderImportTemplate": Route.orderImportTemplate.path, "warehouses": Route.records(.warehouses).path, "tokens": Route.tokens.path,
    ]

    /// The catalogue as nested dictionaries, so templates write `{{t.ui.login.title}}`.
    nonisolated(unsafe) private static let translations: [Language: [String: Any]] = {
        var all: [Language: [String: Any]] = [:]
        for language in Language.allCases {
            var root: [String: Any] = [:]
            for (key, text) in Catalog.table(language) {
                insert(&root, path: key.split(separator: ".").map(String.init)[...], value: text)
            }
            all[language] = root
        }
        return all
    }()

    private static func insert(_ node: inout [String: Any], path: ArraySlice<String>, value: String) {
        guard let head = path.first else { return }
        if path.count == 1 {
            node[head] = value
            return
        }
        var child = node[head] as? [String: Any] ?? [:]
        insert(&child, path: path.dropFirst(), value: value)
        node[head] = child
    }

    func render(
        _ template: String, _ model: [String: Any], context: DocketRequestContext, status: HTTPResponse.Status = .ok,
        current: String? = nil, notice: String? = nil
    ) -> Response {
        var model = model
        let language = context.language
        model["lang"] = language.rawValue
        model["route"] = Self.routes
        model["t"] = Self.translations[language]
        if let notice { model["notice"] = notice }
        if let identity = context.identity {
            model["csrf"] = identity.csrfToken ?? ""
            model["user"] = [
                "displayName": identity.user.user.displayName,
                "nav": Navigation.items(for: identity.roles).map { item -> [String: Any] in
                    ["href": item.href, "label": Message(item.label).text(language), "current": item.href == current]
                },
                "otherLanguageCode": language == .zhCN ? "en" : "zh-CN",
                "otherLanguageLabel": language == .zhCN ? "English" : "中文",
            ] as [String: Any]
        }
        let html = library.render(model, withTemplate: template) ?? ""
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentLanguage: language.rawValue,
                .cacheControl: "no-store", HTTPField.Name("X-Frame-Options")!: "DENY",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ problem: Problem, status: HTTPResponse.Status, context: DocketRequestContext) -> Response {
        render("error", ["page": ErrorPageModel(problem, language: context.language)], context: context, status: status)
    }
}

/// The top navigation: each entry only for the roles its page allows.
enum Navigation {
    struct Item {
        var href: String
        var label: String
        var access: Access
    }

    static let all: [Item] = [
        Item(href: Route.home.path, label: "ui.nav.home", access: .signedIn),
        Item(href: Route.orders.path, label: "ui.nav.orders", access: .staff),
        Item(href: Route.board.path, label: "ui.nav.board", access: .staff),
        Item(href: Route.records(.customers).path, label: "ui.nav.customers", access: .staff),
        Item(href: Route.records(.products).path, label: "ui.nav.products", access: .staff),
        Item(href: Route.stock.path, label: "ui.nav.stock", access: .staff),
        Item(href: Route.shipping.path, label: "ui.nav.shipping", access: .staff),
        Item(href: Route.records(.warehouses).path, label: "ui.nav.warehouses", access: .staff),
        Item(href: Route.records(.suppliers).path, label: "ui.nav.suppliers", access: .staff),
        Item(href: Route.records(.carriers).path, label: "ui.nav.carriers", access: .staff),
        Item(href: Route.notifications.path, label: "ui.nav.notifications", access: .notifications),
        Item(href: Route.records(.reviewRules).path, label: "ui.nav.reviewRules", access: .reviewRulesWrite),
        Item(href: Route.users.path, label: "ui.nav.users", access: .administration),
        Item(href: Route.tokens.path, label: "ui.nav.tokens", access: .signedIn),
    ]

    static func items(for roles: Set<Role>) -> [Item] { all.filter { $0.access.allows(roles) } }
}

/// Shanghai time for display (China has no daylight saving time).
func displayTime(_ time: Timestamp?) -> String {
    guard let time else { return "—" }
    let local = time.adding(milliseconds: 8 * 3_600_000).iso8601
    return String(local.prefix(16)).replacingOccurrences(of: "T", with: " ")
}
