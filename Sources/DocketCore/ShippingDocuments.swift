/// 发货文件: the documents printed for a shipment. Which ones a shipment has, and the goods they list — what the
/// shipment carries, at the order's agreed prices, with each product's customs data — are decided here; the pages
/// only lay them out.
public enum ShippingDocument: String, Sendable, Hashable, CaseIterable {
    /// 面单: one per package, on 100×150 mm label stock.
    case label
    /// 发货单 / 装箱单: the delivery note and packing slip, A4, signed by the receiver.
    case deliveryNote = "delivery-note"
    /// 发票信息: what finance needs to issue the invoice — the customer's title, tax number and bank, the amounts.
    case invoice
    /// 提单: the bill of lading handed to the carrier.
    case billOfLading = "bill-of-lading"
    /// 报关单: customs data, for shipments leaving the country only.
    case customs

    /// The documents a shipment can print: customs only when it crosses a border.
    public static func available(crossBorder: Bool) -> [ShippingDocument] {
        allCases.filter { $0 != .customs || crossBorder }
    }
}

/// One line of goods on a shipping document.
public struct DocumentLine: Sendable, Hashable {
    public var lineID: ID<OrderLine>
    public var sku: String
    public var name: String
    public var unit: String
    public var quantity: Int64
    public var unitPrice: Money
    public var amount: Money
    public var weightGrams: Int64
    public var hsCode: String?
    public var originCountry: String?
    /// The lots the goods were picked from (`—` for untracked goods is the page's business).
    public var lots: [String]
}

public enum ShippingDocuments {
    /// A shipment leaves the country when its destination's country is not the warehouse's.
    public static func crossBorder(from warehouse: Address, to destination: Address?) -> Bool {
        guard let destination else { return false }
        return destination.country.uppercased() != warehouse.country.uppercased()
    }

    /// The goods a shipment carries, line by line in the order's line order, priced at the order's agreed unit
    /// price. `carried` is what each order line has in the shipment (picked, else listed); `lots` the lots per line.
    /// Amounts are checked: a product beyond `Bounds.amountMinor` is refused rather than printed wrong (orders are
    /// bounded at intake, so this does not happen to an accepted order).
    public static func lines(
        carried: [ID<OrderLine>: Int64], lots: [ID<OrderLine>: [String]], orderLines: [OrderIntake.PricedLine], products: [String: Product],
        language: Language
    ) throws(DocketError) -> (lines: [DocumentLine], total: Money, weightGrams: Int64) {
        let currency = orderLines.first?.unitPrice.currency ?? .cny
        var lines: [DocumentLine] = []
        var total: Int64 = 0
        var weight: Int64 = 0
        for line in orderLines {
            guard let id = line.id, let quantity = carried[id], quantity > 0 else { continue }
            let product = products[line.sku]
            guard let amount = line.unitPrice.minor.checkedMultiplying(quantity), amount <= Bounds.amountMinor,
                let sum = total.checkedAdding(amount), sum <= Bounds.amountMinor
            else { throw DocketError.invalid("total", "orderTotalOutOfRange", ["max": Money(minor: Bounds.amountMinor, currency: currency).formatted]) }
            total = sum
            let lineWeight = (product?.weightGrams ?? 0).saturatingMultiplying(quantity)
            weight = weight.saturatingAdding(lineWeight)
            lines.append(
                DocumentLine(
                    lineID: id, sku: line.sku,
                    name: language == .en ? (line.nameEn.flatMap { $0.isEmpty ? nil : $0 } ?? line.description) : line.description,
                    unit: product?.unit ?? "件", quantity: quantity, unitPrice: line.unitPrice, amount: Money(minor: amount, currency: currency),
                    weightGrams: lineWeight, hsCode: product?.hsCode.flatMap { $0.isEmpty ? nil : $0 },
                    originCountry: product?.originCountry.flatMap { $0.isEmpty ? nil : $0 }, lots: lots[id] ?? []))
        }
        return (lines, Money(minor: total, currency: currency), weight)
    }

    /// The lines a customs declaration cannot be filed with: those without an HS code or an origin.
    public static func customsGaps(_ lines: [DocumentLine]) -> [String] {
        lines.filter { $0.hsCode == nil || $0.originCountry == nil }.map(\.sku)
    }
}
