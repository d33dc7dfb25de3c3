import Foundation
import DocketCore
import Testing

@Suite struct DemoDataTests {
    let demo = DemoData(today: CalendarDate(year: 2026, month: 11, day: 22)!)

    @Test func everyDemoRecordPassesValidation() throws {
        for supplier in demo.suppliers { try supplier.validate() }
        for product in demo.products { try product.validate() }
        for customer in demo.customers { try customer.validate() }
        for (warehouse, locations) in demo.warehouses {
            try warehouse.validate()
            for location in locations { try location.validate() }
        }
        for carrier in demo.carriers { try carrier.validate() }
        for receipt in demo.receipts { try receipt.validate() }
    }

    @Test func demoHasTheRequestedShape() {
        #expect(demo.customers.count == 30)
        #expect(Set(demo.customers.map { $0.defaultAddress!.city }).count >= 10)
        #expect((190...220).contains(demo.products.count))
        #expect(demo.products.contains { $0.shelfLifeDays != nil })
        #expect(demo.products.contains { $0.makeToOrder })
        #expect(demo.warehouses.map(\.warehouse.code) == ["SH", "GZ", "CD"])
        #expect(demo.carriers.count == 4)
        #expect(demo.carriers.contains { $0.services.contains { $0.mode == .rail } })
        // Case variants are made from single items only.
        #expect(demo.products.allSatisfy { $0.sku.components(separatedBy: "CASE").count <= 2 })
        // Codes are unique, so loading never trips over a duplicate.
        #expect(Set(demo.products.map(\.sku)).count == demo.products.count)
        #expect(Set(demo.customers.map(\.code)).count == demo.customers.count)
        // Lots of one product have different expiry dates, so FEFO has choices.
        let expiries = demo.receipts.filter { $0.expiryDate != nil }.map(\.expiryDate!)
        #expect(Set(expiries).count > 20)
        #expect(demo.receipts.allSatisfy { receipt in
            let product = demo.products.first { $0.sku == receipt.sku }!
            return !product.lotTracked || receipt.lot != nil
        })
    }

    @Test func demoIsDeterministic() {
        let again = DemoData(today: CalendarDate(year: 2026, month: 11, day: 22)!)
        #expect(again.customers == demo.customers)
        #expect(again.products == demo.products)
        #expect(again.receipts == demo.receipts)
    }
}
