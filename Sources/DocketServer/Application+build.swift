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
) -> Application<RouterResponder<DocketRequestContext>> {
    let router = buildRouter(store: store, registry: registry, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Docket"),
        services: services,
        logger: logger)
}

/// The routes, with error mapping and request metrics in front of all of them.
public func buildRouter(store: Store, registry: PrometheusCollectorRegistry, logger: Logger) -> Router<DocketRequestContext> {
    let router = Router(context: DocketRequestContext.self)
    router.add(middleware: ErrorMiddleware(logger: logger))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))

    let info = registry.makeGauge(name: "docket_info", labels: [("database", store.dialect.rawValue)])
    info.set(Int64(1))

    router.get("health") { _, _ in
        do {
            try await store.ping()
            return try JSON.response(Health(status: "ok", database: store.dialect.rawValue))
        } catch {
            return try JSON.response(Health(status: "unavailable", database: store.dialect.rawValue), status: .serviceUnavailable)
        }
    }
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    let api = router.group("api/v1")
    MasterDataAPI(repository: store.customers, path: "customers").register(on: api)
    MasterDataAPI(repository: store.products, path: "products").register(on: api)
    MasterDataAPI(repository: store.warehouses, path: "warehouses").register(on: api)
    MasterDataAPI(repository: store.suppliers, path: "suppliers").register(on: api)
    MasterDataAPI(repository: store.carriers, path: "carriers").register(on: api)
    StockAPI(store: store).register(on: api)
    return router
}

struct Health: Codable, Sendable {
    var status: String
    var database: String
}
