import DocketCore
import Foundation

/// A shipment as a work queue lists it: enough to decide what to do next without opening it.
public struct QueuedShipment: Sendable, Hashable {
    public var id: ID<Shipment>
    public var number: String
    public var orderID: ID<Order>
    public var orderNumber: String
    public var customerCode: String
    public var customerName: String?
    public var warehouse: String
    public var status: ShipmentStatus
    public var urgent: Bool
    public var promisedDate: CalendarDate?
    public var lines: Int64
    public var units: Int64
    public var carrierName: String?
    public var trackingNumber: String?
    public var eta: CalendarDate?
    public var createdAt: Timestamp
    public var shippedAt: Timestamp?
    /// The latest tracking event's kind and time, for the shipments on their way.
    public var lastEvent: TrackingKind?
    public var lastEventAt: Timestamp?
}

extension ShipmentRepository {
    /// The shipments in `statuses`, optionally of one warehouse: urgent first, then by promised date (none last),
    /// then oldest first — the order a warehouse works them in.
    public func queue(_ statuses: [ShipmentStatus], warehouse: String? = nil, limit: Int = 200) async throws -> [QueuedShipment] {
        guard !statuses.isEmpty else { return [] }
        var conditions = Conditions()
        conditions.add("s.status IN \(conditions.list(statuses.map(\.rawValue)))")
        if let warehouse { conditions.add("w.code = \(conditions.bind(warehouse))") }
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT s.id, s.number, s.order_id, o.number AS order_number, o.customer_code, c.name AS customer_name, w.code AS warehouse,
                           s.status, o.urgent, o.promised_date, s.carrier_record, s.tracking_number, s.eta, s.created_at, s.shipped_at,
                           (SELECT CAST(COUNT(*) AS BIGINT) FROM shipment_lines sl WHERE sl.shipment_id = s.id) AS line_count,
                           (SELECT CAST(COALESCE(SUM(COALESCE(sl.picked, sl.quantity)), 0) AS BIGINT) FROM shipment_lines sl
                            WHERE sl.shipment_id = s.id) AS units,
                           (SELECT e.kind FROM tracking_events e WHERE e.shipment_id = s.id ORDER BY e.occurred_at DESC, e.event_key DESC LIMIT 1)
                             AS last_kind,
                           (SELECT MAX(e.occurred_at) FROM tracking_events e WHERE e.shipment_id = s.id) AS last_at
                    FROM shipments s JOIN orders o ON o.id = s.order_id JOIN warehouses w ON w.id = s.warehouse_id
                    LEFT JOIN customers c ON c.code = o.customer_code\(conditions.clause)
                    ORDER BY CASE WHEN o.urgent THEN 0 ELSE 1 END, CASE WHEN o.promised_date IS NULL THEN 1 ELSE 0 END, o.promised_date, s.id
                    LIMIT \(conditions.bind(Int64(max(1, min(limit, 1_000)))))
                    """), conditions.binds))
        return try rows.map { row in
            guard let status = ShipmentStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
            let record = try row.optionalText("carrier_record").map { try JSONColumn.decode(CarrierRecord.self, $0, column: "carrier_record") }
            return QueuedShipment(
                id: try row.id(), number: try row.text("number"), orderID: try row.id("order_id"), orderNumber: try row.text("order_number"),
                customerCode: try row.text("customer_code"), customerName: row.optionalText("customer_name"), warehouse: try row.text("warehouse"),
                status: status, urgent: try row.bool("urgent"), promisedDate: try row.optionalDate("promised_date"), lines: try row.int("line_count"),
                units: try row.int("units"), carrierName: record.map { "\($0.taken.carrierName) \($0.taken.serviceName)" },
                trackingNumber: row.optionalText("tracking_number"), eta: try row.optionalDate("eta"), createdAt: try row.timestamp("created_at"),
                shippedAt: row.optionalInt("shipped_at").map { Timestamp(millisecondsSince1970: $0) },
                lastEvent: row.optionalText("last_kind").flatMap(TrackingKind.init(rawValue:)),
                lastEventAt: row.optionalInt("last_at").map { Timestamp(millisecondsSince1970: $0) })
        }
    }

    /// How many shipments stand in each status, optionally of one warehouse (the queue's tabs).
    public func counts(warehouse: String? = nil) async throws -> [ShipmentStatus: Int64] {
        var conditions = Conditions()
        if let warehouse { conditions.add("w.code = \(conditions.bind(warehouse))") }
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT s.status, CAST(COUNT(*) AS BIGINT) AS n FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id\(conditions.clause)
                    GROUP BY s.status
                    """), conditions.binds))
        var counts: [ShipmentStatus: Int64] = [:]
        for row in rows {
            if let status = ShipmentStatus(rawValue: try row.text("status")) { counts[status] = try row.int("n") }
        }
        return counts
    }

    /// Several shipments at once (a wave's pick list), in the order of `ids`; unknown ids are left out.
    public func shipments(ids: [ID<Shipment>]) async throws -> [StoredShipment] {
        let ids = Array(Set(ids)).prefix(200).map { $0 as any SQLBindable }
        guard !ids.isEmpty else { return [] }
        func statement(_ select: String, _ column: String) -> Statement {
            var conditions = Conditions()
            conditions.add("\(column) IN \(conditions.list(Array(ids)))")
            return Statement(SQL(select + conditions.clause), conditions.binds)
        }
        let rows = try await engine.read([
            statement(Self.select, "s.id"), statement(Self.linesSelect, "sl.shipment_id"), statement(Self.packagesSelect, "pk.shipment_id"),
            statement(Self.eventsSelect, "e.shipment_id"),
        ])
        return try Self.shipments(rows[0], lines: rows[1], packages: rows[2], events: rows[3]).sorted { $0.id.rawValue < $1.id.rawValue }
    }
}

/// Everything a shipment's documents print: the shipment, its order, the customer (its invoice details), the
/// warehouse it leaves from, and the products it carries (names, units, weights, customs data).
public struct ShipmentPaperwork: Sendable {
    public var shipment: StoredShipment
    public var order: StoredOrder
    public var customer: Customer?
    public var warehouse: Warehouse?
    public var products: [String: Product]

    /// The goods on the documents (`ShippingDocuments.lines`): what the shipment carries at the order's prices.
    public func lines(_ language: Language) throws(DocketError) -> (lines: [DocumentLine], total: Money, weightGrams: Int64) {
        var lots: [ID<OrderLine>: [String]] = [:]
        for line in shipment.lines where !line.line.lot.isEmpty && !(lots[line.line.lineID] ?? []).contains(line.line.lot) {
            lots[line.line.lineID, default: []].append(line.line.lot)
        }
        return try ShippingDocuments.lines(carried: shipment.carried, lots: lots, orderLines: order.lines, products: products, language: language)
    }

    /// The destination differs from the warehouse's country: the customs declaration applies.
    public var crossBorder: Bool {
        guard let warehouse else { return false }
        return ShippingDocuments.crossBorder(from: warehouse.address, to: order.deliveryAddress)
    }
}

extension MasterRepository where Value == Product {
    /// The products of these SKUs in one read, by SKU (unknown SKUs are left out).
    public func bySKU(_ skus: [String]) async throws -> [String: Product] {
        try Self.bySKU(try await store.engine.read(Store.products(skus: Array(Set(skus)))))
    }

    static func bySKU(_ rows: [SQLRow]) throws -> [String: Product] {
        var products: [String: Product] = [:]
        for row in rows { products[try row.text("sku")] = try MasterTable<Product>.products.decode(row) }
        return products
    }
}

extension ShipmentRepository {
    public func paperwork(_ id: ID<Shipment>) async throws -> ShipmentPaperwork {
        let shipment = try await shipment(id: id)
        let order = try await store.orders.order(id: shipment.orderID)
        let rows = try await engine.read([
            Store.products(skus: Array(Set(shipment.lines.map(\.line.sku)))),
            Statement(MasterTable<Customer>.customers.byKeySQL, [order.customerCode]),
            Statement(MasterTable<Warehouse>.warehouses.byKeySQL, [shipment.warehouse]),
        ])
        return ShipmentPaperwork(
            shipment: shipment, order: order, customer: try rows[1].first.map(MasterTable<Customer>.customers.decode),
            warehouse: try rows[2].first.map(MasterTable<Warehouse>.warehouses.decode), products: try MasterRepository<Product>.bySKU(rows[0]))
    }
}
