import DocketCore
import DocketStore
import Foundation

/// `shippingQueue`: the shipments of one stage, with the stages as tabs and a warehouse filter.
struct ShippingQueueModel {
    struct Tab {
        var label: String
        var count: Int64
        var href: String
        var current: Bool
    }

    /// A choice in a select (the one the purchasing page uses).
    typealias Option = PurchasingPageModel.Option

    struct Row {
        var id: Int64
        var href: String
        var number: String
        var orderHref: String
        var orderNumber: String
        var customer: String
        var warehouse: String
        var urgent: Bool
        var promised: String
        var late: Bool
        var lines: Int64
        var units: Int64
        var status: String
        var statusKey: String
        var carrier: String
        var tracking: String
        var eta: String
        var lastEvent: String
    }

    var tabs: [Tab]
    var casesHref: String
    var stage: String
    var hint: String
    var warehouses: [Option]
    var action: String
    var pickListAction: String
    /// The pick stage: rows have checkboxes and the list prints a wave.
    var wave: Bool
    var showCarrier: Bool
    var showTracking: Bool
    var rows: [Row]
}

/// `pickList`: a printable pick list (拣货单) for one shipment or a wave.
struct PickListModel {
    struct Row {
        var location: String
        var sku: String
        var name: String
        var lot: String
        var expiry: String
        var quantity: Int64
        var shipments: String
    }

    struct Warehouse {
        var name: String
        var rows: [Row]
    }

    struct ShipmentRef {
        var number: String
        var order: String
        /// SVG drawn by Docket (`Code128.svg`), rendered unescaped.
        var barcode: String
        var href: String
    }

    var title: String
    var printedAt: String
    var empty: Bool
    var backHref: String
    var warehouses: [Warehouse]
    var shipments: [ShipmentRef]
}

/// `shipment`: one shipment and its next step.
struct ShipmentPageModel {
    struct Fact {
        var label: String
        var value: String
        var href: String?
    }

    struct Link {
        var text: String
        var href: String
    }

    /// A choice in a select (the one the purchasing page uses).
    typealias Option = PurchasingPageModel.Option

    struct Line {
        var index: Int
        var lineID: Int64
        var lotID: Int64
        var location: String
        var sku: String
        var name: String
        var lot: String
        var expiry: String
        var quantity: Int64
        var picked: String
        var short: Bool
        var typed: String
    }

    struct Package {
        var index: Int
        var label: String
        var weightKg: String
        var lengthMm: String
        var widthMm: String
        var heightMm: String
        var volume: String
        var handling: String
        var contents: String
    }

    struct CarrierOption {
        var value: String
        var text: String
        var verdict: String
        var cost: String
        var days: String
        var mode: String
        var recommended: Bool
        var taken: Bool
        var selectable: Bool
        var checked: Bool
    }

    struct Carrier {
        var rule: String
        var options: [CarrierOption]
        var taken: String?
        var overrideReason: String?
        var chosenBy: String?
        var chosenAt: String?
        var action: String?
        var reason: String
    }

    struct Event {
        var when: String
        var kind: String
        var kindKey: String
        var location: String
        var note: String
    }

    struct Carried {
        var index: Int
        var lineID: Int64
        var sku: String
        var name: String
        var quantity: Int64
    }

    var title: String
    var status: String
    var statusKey: String
    var error: String?
    var version: Int64
    var backHref: String
    var facts: [Fact]
    var address: String
    var documents: [Link]
    var lines: [Line]
    var pickAction: String?
    var packages: [Package]
    var packAction: String?
    var carrier: Carrier?
    var shipAction: String?
    var trackingTyped: String
    var events: [Event]
    var eventAction: String?
    var eventKinds: [Option]
    var deliveryAction: String?
    var refusalReasons: [Option]
    var carriedLines: [Carried]
    var signer: String?
    var signedAt: String?
    var proof: Link?
    var proofAction: String?
    var cases: [Link]
    /// Now as a `datetime-local` value (China time), the sign-off's default.
    var now: String
}

/// `shippingDocument`: one printable document of a shipment. `sheet` picks the page size (`label`: 100×150 mm, one
/// page per package; `a4` for the rest).
struct ShippingDocumentModel {
    struct Party {
        var title: String
        var name: String
        var lines: [String]
    }

    struct Row {
        var number: Int
        var sku: String
        var name: String
        var unit: String
        var quantity: Int64
        var lots: String
        var unitPrice: String
        var amount: String
        var weight: String
        var hsCode: String
        var origin: String
    }

    struct Label {
        var n: Int
        var m: Int
        var goods: [String]
        var weight: String
        var volume: String
        var size: String
        var marks: [String]
    }

    struct Fact {
        var label: String
        var value: String
    }

    var title: String
    var heading: String
    var isLabel: Bool
    var sheet: String
    var kind: String
    var printedAt: String
    var shipmentNumber: String
    var orderNumber: String
    var orderBarcode: String
    var trackingBarcode: String?
    var trackingNumber: String?
    var carrier: String
    var shipper: Party
    var consignee: Party
    var facts: [Fact]
    var rows: [Row]
    var total: String
    var totalWeight: String
    var labels: [Label]
    var showPrices: Bool
    var showCustoms: Bool
    var showSignature: Bool
    var gaps: String?
    var backHref: String

    init(_ document: ShippingDocument, _ paper: ShipmentPaperwork, language: Language, printedAt: Timestamp) throws {
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let shipment = paper.shipment, order = paper.order
        let goods = try paper.lines(language)
        kind = document.rawValue
        isLabel = document == .label
        sheet = document == .label ? "label" : "a4"
        heading = text("ui.ship.document.\(document.rawValue)")
        title = "\(heading) · \(shipment.number)"
        self.printedAt = displayTime(printedAt)
        shipmentNumber = shipment.number
        orderNumber = order.number
        orderBarcode = Code128.svg(order.number) ?? ""
        trackingNumber = shipment.trackingNumber
        trackingBarcode = shipment.trackingNumber.flatMap { Code128.svg($0) }
        carrier = shipment.carrier.map { "\($0.taken.carrierName) · \($0.taken.serviceName)" } ?? text("ui.ship.noCarrierYet")
        let site = paper.warehouse
        shipper = Party(
            title: text("ui.ship.shipper"), name: site?.name ?? shipment.warehouse,
            lines: [site.map { $0.address.singleLine }].compactMap { $0 })
        let address = order.deliveryAddress
        let customerName = paper.customer?.name ?? order.customerName ?? order.customerCode
        consignee = Party(
            title: text("ui.ship.consignee"), name: customerName,
            lines: [
                [order.contactName, order.contactPhone].compactMap { $0 }.joined(separator: " "),
                address.map { $0.singleLine + (($0.postcode).map { " \($0)" } ?? "") + ($0.country.uppercased() == "CN" ? "" : " · \($0.country)") } ?? "",
            ].filter { !$0.isEmpty })
        let currency = goods.total.currency
        rows = goods.lines.enumerated().map { index, line in
            Row(
                number: index + 1, sku: line.sku, name: line.name, unit: line.unit, quantity: line.quantity,
                lots: line.lots.isEmpty ? "—" : line.lots.joined(separator: "、"), unitPrice: line.unitPrice.formatted, amount: line.amount.formatted,
                weight: ShippingPages.kilograms(line.weightGrams), hsCode: line.hsCode ?? "—", origin: line.originCountry ?? "—")
        }
        total = goods.total.formatted
        let packedWeight = shipment.packages.reduce(Int64(0)) { $0.saturatingAdding($1.weightGrams) }
        totalWeight = ShippingPages.kilograms(packedWeight > 0 ? packedWeight : goods.weightGrams)
        labels = shipment.packages.enumerated().map { index, package in
            Label(
                n: index + 1, m: shipment.packages.count, goods: package.contents.map { "\($0.sku) × \($0.quantity)" },
                weight: ShippingPages.kilograms(package.weightGrams), volume: "\(package.volumeCm3) cm³",
                size: "\(package.lengthMm)×\(package.widthMm)×\(package.heightMm) mm",
                marks: package.handling.map { text("ui.ship.mark.\($0.rawValue)") })
        }
        showPrices = document == .invoice || document == .customs
        showCustoms = document == .customs
        showSignature = document == .deliveryNote || document == .billOfLading
        backHref = Route.shipment(shipment.id).path
        let invoice = paper.customer?.invoice
        switch document {
        case .label, .deliveryNote:
            facts = [
                Fact(label: text("ui.field.number"), value: order.number), Fact(label: text("entity.shipment"), value: shipment.number),
                Fact(label: text("ui.order.promised"), value: order.promisedDate?.iso8601 ?? "—"),
                Fact(label: text("ui.ship.packages"), value: String(shipment.packages.count)),
                Fact(label: text("ui.ship.carrier"), value: carrier), Fact(label: text("field.trackingNumber"), value: shipment.trackingNumber ?? "—"),
            ]
        case .invoice:
            facts = [
                Fact(label: text("ui.ship.invoiceTitle"), value: invoice?.title ?? customerName),
                Fact(label: text("ui.ship.taxNumber"), value: invoice?.taxNumber ?? text("ui.ship.missing")),
                Fact(label: text("ui.ship.bank"), value: [invoice?.bankName, invoice?.bankAccount].compactMap { $0 }.joined(separator: " ").ifEmpty(text("ui.ship.missing"))),
                Fact(label: text("ui.ship.registered"), value: [invoice?.registeredAddress, invoice?.registeredPhone].compactMap { $0 }.joined(separator: " ").ifEmpty("—")),
                Fact(label: text("ui.ship.invoiceKind"), value: invoice.map { text("ui.invoice.\($0.kind.rawValue)") } ?? "—"),
                Fact(label: text("ui.field.number"), value: order.number), Fact(label: text("ui.ship.currency"), value: currency.code),
            ]
        case .billOfLading:
            facts = [
                Fact(label: text("ui.ship.carrier"), value: carrier), Fact(label: text("field.trackingNumber"), value: shipment.trackingNumber ?? "—"),
                Fact(label: text("ui.ship.mode"), value: shipment.carrier.map { text("transport.mode.\($0.taken.mode.rawValue)") } ?? "—"),
                Fact(label: text("ui.ship.packages"), value: String(shipment.packages.count)),
                Fact(label: text("ui.ship.totalWeight"), value: "\(totalWeight) kg"),
                Fact(label: text("ui.ship.totalVolume"), value: "\(shipment.packages.reduce(Int64(0)) { $0.saturatingAdding($1.volumeCm3) }) cm³"),
                Fact(label: text("ui.ship.declaredValue"), value: goods.total.formatted),
                Fact(label: text("ui.ship.handedOver"), value: displayTime(shipment.shippedAt)),
            ]
        case .customs:
            facts = [
                Fact(label: text("ui.ship.destinationCountry"), value: order.deliveryAddress?.country ?? "—"),
                Fact(label: text("ui.ship.carrier"), value: carrier), Fact(label: text("field.trackingNumber"), value: shipment.trackingNumber ?? "—"),
                Fact(label: text("ui.ship.packages"), value: String(shipment.packages.count)),
                Fact(label: text("ui.ship.totalWeight"), value: "\(totalWeight) kg"), Fact(label: text("ui.ship.declaredValue"), value: goods.total.formatted),
            ]
        }
        let missing = document == .customs ? ShippingDocuments.customsGaps(goods.lines) : []
        gaps = missing.isEmpty ? nil : text("ui.ship.customsGaps", ["skus": missing.joined(separator: "、")])
    }
}

extension String {
    fileprivate func ifEmpty(_ fallback: String) -> String { isEmpty ? fallback : self }
}

/// `cases`: the open after-sales cases.
struct CasesPageModel {
    struct Row {
        var href: String
        var number: String
        var orderHref: String
        var order: String
        var opened: String
        var lines: String
        var returned: String
    }

    var backHref: String
    var rows: [Row]
}

/// `afterSalesCase`: one case (售后单): the refused lines, the return, the resolution.
struct CasePageModel {
    struct Line {
        var sku: String
        var quantity: Int64
        var reason: String
        var note: String
    }

    var title: String
    var status: String
    var statusKey: String
    var error: String?
    var version: Int64
    var facts: [ShipmentPageModel.Fact]
    var lines: [Line]
    var returnAction: String?
    var closeAction: String?
    var resolutions: [ShipmentPageModel.Option]
    var backHref: String
}
