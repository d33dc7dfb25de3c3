import DocketCore
import DocketStore
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Builds the HTTP application on a store. `docket serve` and the tests both call this.
public func buildApplication(
    configuration: DocketConfiguration, store: Store, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    services: [any Service] = [], logger: Logger
) throws -> Application<RouterResponder<DocketRequestContext>> {
    let built = try buildRouter(
        store: store, registry: registry, settings: SecuritySettings(secureCookies: configuration.secureCookies, trustProxy: configuration.trustProxy),
        logger: logger)
    return Application(
        router: built.router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Docket"),
        services: services,
        logger: logger)
}

/// The router and the access every route declared (for the route × role matrix test).
public struct DocketRouter {
    public let router: Router<DocketRequestContext>
    public let permissions: [RoutePermission]
}

/// All routes, each registered with its access policy, behind the one security and error middleware.
public func buildRouter(
    store: Store, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    settings: SecuritySettings = SecuritySettings(), logger: Logger
) throws -> DocketRouter {
    let router = Router(context: DocketRequestContext.self)
    let views = try Views()
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: DocketMiddleware(store: store, settings: settings, views: views, logger: logger))
    let routes = SecureRoutes(router: router, store: store)

    let info = registry.makeGauge(name: "docket_info", labels: [("database", store.dialect.rawValue)])
    info.set(Int64(1))

    routes.get("/health", .everyone) { _, _ in
        do {
            try await store.ping()
            return try JSON.response(Health(status: "ok", database: store.dialect.rawValue))
        } catch {
            return try JSON.response(Health(status: "unavailable", database: store.dialect.rawValue), status: .serviceUnavailable)
        }
    }
    // Prometheus scrapes with an admin's API token (Authorization: Bearer …).
    routes.get("/metrics", .administration) { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    MasterDataAPI(repository: store.customers, path: "customers", write: .customersWrite).register(on: routes)
    CustomerCreditAPI(repository: store.customers).register(on: routes)
    MasterDataAPI(repository: store.products, path: "products", write: .productsWrite).register(on: routes)
    MasterDataAPI(repository: store.warehouses, path: "warehouses", write: .warehousesWrite).register(on: routes)
    MasterDataAPI(repository: store.suppliers, path: "suppliers", write: .suppliersWrite).register(on: routes)
    MasterDataAPI(repository: store.carriers, path: "carriers", write: .carriersWrite).register(on: routes)
    MasterDataAPI(repository: store.reviewRules, path: "review-rules", write: .reviewRulesWrite).register(on: routes)
    StockAPI(stock: store.stock).register(on: routes)
    OrdersAPI(store: store).register(on: routes)
    AllocationAPI(store: store).register(on: routes)
    NotificationsAPI(store: store).register(on: routes)
    TrackingAPI(store: store).register(on: routes)
    ExceptionsAPI(store: store).register(on: routes)
    ShipmentsAPI(store: store).register(on: routes)
    ReplenishmentAPI(store: store).register(on: routes)
    ProductionAPI(store: store).register(on: routes)
    ChannelsAPI(store: store).register(on: routes)
    CarrierEventsAPI(store: store).register(on: routes)
    WebPages(store: store, views: views, settings: settings).register(on: routes)
    return DocketRouter(router: router, permissions: routes.permissions)
}

struct Health: Codable, Sendable {
    var status: String
    var database: String
}
