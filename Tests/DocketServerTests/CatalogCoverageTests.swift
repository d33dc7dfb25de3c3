import DocketCore
import Foundation
import Testing

@testable import DocketServer

/// Mustache renders a missing key as empty text, silently; this test makes a missing UI string fail instead.
@Suite struct CatalogCoverageTests {
    func keysUsedByTemplates() -> Set<String> {
        var keys = Set<String>()
        let pattern = try! NSRegularExpression(pattern: #"\{\{t\.([A-Za-z0-9_.]+)\}\}"#)
        for (_, text) in Templates.all {
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                keys.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return keys
    }

    @Test func everyStringTheUIUsesExistsInBothLanguages() {
        var keys = keysUsedByTemplates()
        #expect(keys.count > 20, "the scan found the templates' keys")
        keys.formUnion(Navigation.all.map(\.label))
        for spec in [FormSpec<Customer>.customer.fields, FormSpec<Product>.product.fields, FormSpec<Warehouse>.warehouse.fields,
                     FormSpec<Supplier>.supplier.fields, FormSpec<Carrier>.carrier.fields, FormSpec<StockReceipt>.receipt.fields] {
            keys.formUnion(spec.map(\.label))
            keys.formUnion(spec.map(\.section))
        }
        for role in Role.allCases { keys.formUnion(["ui.role.\(role.rawValue)", "ui.queue.\(role.rawValue)"]) }
        // Timeline steps and statuses are looked up by their stored names.
        keys.formUnion(OrderStatus.allCases.map { "order.status.\($0.rawValue)" })
        keys.formUnion((OrderAction.allCases.map(\.rawValue) + ["received"]).map { "order.action.\($0)" })
        for prefix in ["ui.customers", "ui.products", "ui.warehouses", "ui.suppliers", "ui.carriers", "ui.users"] {
            keys.formUnion(["\(prefix).title", "\(prefix).new", "\(prefix).edit"])
        }
        for key in keys.sorted() {
            #expect(Catalog.table(.zhCN)[key] != nil, "zh-CN lacks \(key)")
            #expect(Catalog.table(.en)[key] != nil, "en lacks \(key)")
        }
    }
}
