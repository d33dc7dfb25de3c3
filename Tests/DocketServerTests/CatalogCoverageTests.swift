import DocketCore
import DocketStore
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
        var optionPrefixes = Set<String>()
        let forms: [[FieldSpec]] = [
            FormSpec<Customer>.customer.fields + FormSpec<Customer>.credit.fields, FormSpec<Product>.product.fields,
            FormSpec<Warehouse>.warehouse.fields, FormSpec<Supplier>.supplier.fields, FormSpec<Carrier>.carrier.fields,
            FormSpec<StockReceipt>.receipt.fields, FormSpec<ReviewRule>.reviewRule.fields,
        ]
        let grids: [[FieldSpec]] = [
            FormSpec<Customer>.customerContacts.columns, FormSpec<Customer>.customerAddresses.columns,
            FormSpec<Carrier>.carrierServices.columns, FormSpec<Carrier>.carrierRates.columns,
        ]
        for spec in forms + grids {
            keys.formUnion(spec.map(\.label))
            keys.formUnion(spec.map(\.section))
            // A select's values said in words: every value has its key.
            for field in spec {
                guard let prefix = field.optionLabels, case .select(let values) = field.kind else { continue }
                optionPrefixes.insert(prefix)
                keys.formUnion(values.filter { !$0.isEmpty }.map { "\(prefix).\($0)" })
            }
        }
        for grid in [FormSpec<Customer>.customerContacts, FormSpec<Customer>.customerAddresses] { keys.formUnion([grid.legend] + (grid.hint.map { [$0] } ?? [])) }
        for grid in [FormSpec<Carrier>.carrierServices, FormSpec<Carrier>.carrierRates] { keys.formUnion([grid.legend] + (grid.hint.map { [$0] } ?? [])) }
        for role in Role.allCases { keys.formUnion(["ui.role.\(role.rawValue)", "ui.queue.\(role.rawValue)"]) }
        // Timeline steps and statuses are looked up by their stored names.
        keys.formUnion(OrderStatus.allCases.map { "order.status.\($0.rawValue)" })
        // The order's own audit actions besides the transitions (Store: audit("…", .order, …)).
        let orderEvents = ["received", "info_updated", "change_requested", "change_rejected", "revised", "confirmation_reminder",
                           "confirmation_resent", "confirmation_link_issued", "backorder_served", "backorder_closed"]
        keys.formUnion((OrderAction.allCases.map(\.rawValue) + orderEvents).map { "order.action.\($0)" })
        keys.formUnion(TimerOutcome.allCases.map { "timer.outcome.\($0.rawValue)" })
        keys.formUnion(OrderType.allCases.map { "order.type.\($0.rawValue)" })
        keys.formUnion(OrderFeedback.allCases.map { "feedback.\($0.rawValue)" })
        // Keys built from stored names.
        keys.formUnion(ReviewStage.allCases.map { "review.stage.\($0.rawValue)" })
        keys.formUnion(ReviewDecision.allCases.map { "review.decision.\($0.rawValue)" })
        keys.formUnion(CreditOutcome.allCases.map { "credit.outcome.\($0.rawValue)" })
        keys.formUnion(PaymentMethod.allCases.map { "payment.\($0.rawValue)" })
        keys.formUnion(OrderChannel.allCases.map { "ui.channel.\($0.rawValue)" })
        keys.formUnion(OrderStage.allCases.map { "ui.stage.\($0.rawValue)" })
        keys.formUnion(InvoiceInfo.Kind.allCases.map { "ui.invoice.\($0.rawValue)" })
        keys.formUnion(TimerKind.allCases.map { "timer.\($0.rawValue)" })
        keys.formUnion(ChangeStatus.allCases.map { "change.status.\($0.rawValue)" })
        keys.formUnion(ConfirmationChannel.allCases.map { "confirmation.channel.\($0.rawValue)" })
        keys.formUnion(ShipmentStatus.allCases.map { "shipment.status.\($0.rawValue)" })
        keys.formUnion(ShipmentAction.allCases.map { "shipment.action.\($0.rawValue)" })
        keys.formUnion(TrackingKind.allCases.map { "tracking.kind.\($0.rawValue)" })
        keys.formUnion(RefusalReason.allCases.map { "refusal.reason.\($0.rawValue)" })
        keys.formUnion(CaseStatus.allCases.map { "case.status.\($0.rawValue)" })
        keys.formUnion(CaseResolution.allCases.map { "case.resolution.\($0.rawValue)" })
        keys.formUnion(EntityKind.allCases.map { "entity.\($0.rawValue)" })
        keys.formUnion(
            ["overrideReasonRequired", "notQuoted", "noCarrierOption", "carrierRequired", "invalidTrackingNumber", "implausibleTime", "inFuture",
             "beforeShipped", "fileTooLarge", "nothingPicked", "notOnPickList", "tooManyPackages", "notInShipment", "packedMismatch"]
                .map { "problem.\($0)" })
        keys.formUnion(["notShippedYet", "notDeliveredYet", "caseStep", "shipmentStep"].map { "error.conflict.\($0)" })
        // Keys written as literals in the page code, and every finding the review stages can report.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let literal = try! NSRegularExpression(pattern: #""((?:ui|review|credit|payment|timer|change|confirmation|reason)\.[A-Za-z0-9_.]*[A-Za-z0-9_])""#)
        let finding = try! NSRegularExpression(pattern: #"ReviewFinding\(\s*"([A-Za-z]+)""#)
        var findings = 0
        for folder in ["DocketServer/Web", "DocketCore"] {
            let directory = sources.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".swift") {
                guard !name.hasPrefix("Catalog"), let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { continue }
                let range = NSRange(text.startIndex..., in: text)
                for match in literal.matches(in: text, range: range) { keys.insert(String(text[Range(match.range(at: 1), in: text)!])) }
                for match in finding.matches(in: text, range: range) {
                    keys.insert("finding." + String(text[Range(match.range(at: 1), in: text)!]))
                    findings += 1
                }
            }
        }
        #expect(findings > 20, "the scan found the review findings")
        let pagePrefixes = ["ui.customers", "ui.products", "ui.warehouses", "ui.suppliers", "ui.carriers", "ui.users", "ui.reviewRules"]
        keys.subtract(pagePrefixes)  // master pages name their title prefix; the keys are below
        keys.subtract(optionPrefixes)
        for prefix in pagePrefixes {
            keys.formUnion(["\(prefix).title", "\(prefix).new", "\(prefix).edit"])
        }
        for key in keys.sorted() {
            #expect(Catalog.table(.zhCN)[key] != nil, "zh-CN lacks \(key)")
            #expect(Catalog.table(.en)[key] != nil, "en lacks \(key)")
        }
    }
}
