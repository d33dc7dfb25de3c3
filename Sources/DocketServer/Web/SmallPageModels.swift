import DocketCore
import DocketStore

// The smaller pages as typed models, rendered like the others: `views.render(name, ["page": model], …)` with the
// template's content inside `{{#page}}`. An optional that is nil hides its section (an empty string would not).

/// The sign-in page (`login`): where to go next, the name typed, and why the last try failed.
struct LoginPageModel {
    var next: String
    var username: String
    var failure: String?
}

/// A page for a problem the reader cannot fix on the page they came from (`error`).
struct ErrorPageModel {
    var status: Int
    var title: String
    var detail: String?
    var problems: [String]

    init(_ problem: Problem, language: Language) {
        status = problem.status
        title = problem.title
        detail = problem.detail
        problems = (problem.errors ?? []).map { FieldLabel.problem(field: $0.field, message: $0.message, in: language) }
    }
}

/// A user's own API tokens (`tokens`), with a new token shown once.
struct TokensPageModel {
    struct Token {
        var name: String
        var prefix: String
        var createdAt: String
        var lastUsed: String
        var revoked: Bool
        var revokeAction: String
    }

    var tokens: [Token]
    var newToken: String?
}

/// A warehouse's storage locations (`locations`) and the form to add one, with what was typed kept.
struct LocationsPageModel {
    struct Row {
        var code: String
        var name: String
        var zone: String
        var active: String
    }

    struct NewLocation {
        var action: String
        var code: String
        var name: String
        var zone: String
        /// Each named by its field ("编码：已存在").
        var problems: [String]
    }

    var title: String
    var locations: [Row]
    /// Only for those who may add one.
    var add: NewLocation?
}

/// The CSV import page (`orderImport`): the text kept when something was refused, and what the last import did.
struct ImportPageModel {
    struct Imported {
        var lines: String
        var number: String
        var href: String
        var status: String
        var again: Bool
    }

    struct Refused {
        /// The file's line number, 1-based as a spreadsheet shows it.
        var line: Int
        var column: String
        var message: String
    }

    struct Report {
        var summary: String
        var imported: [Imported]
        var refused: [Refused]
        var hasRefused: Bool
    }

    var header: String
    var csv: String
    var problemSummary: String?
    var report: Report?

    init(csv: String, report: ImportReport?, problems: [FieldProblem], language: Language) {
        header = OrderImport.header.joined(separator: ",")
        self.csv = csv
        problemSummary = problems.isEmpty ? nil : problems.map { $0.message.text(language) }.joined(separator: "；")
        self.report = report.map { report in
            Report(
                summary: Message("ui.import.summary", ["imported": String(report.imported.count), "refused": String(report.refused.count)])
                    .text(language),
                imported: report.imported.map { order in
                    Imported(
                        lines: order.lines.map(String.init).joined(separator: language == .zhCN ? "、" : ", "), number: order.number,
                        href: Route.order(order.id).path, status: Message("order.status.\(order.status.rawValue)").text(language),
                        again: order.alreadyImported)
                },
                refused: report.refused.map {
                    Refused(line: $0.line, column: importColumnLabel($0.problem.field, language), message: $0.problem.message.text(language))
                },
                hasRefused: !report.refused.isEmpty)
        }
    }
}

/// The customer's own page for one order (`confirm`), reached by the link in the confirmation message: what was
/// ordered, where it goes, and — while the link is open — confirm or ask for a change.
struct ConfirmationPageModel {
    struct Line {
        var sku: String
        var description: String
        var quantity: Int64
        var unitPrice: String
        var amount: String
    }

    var number: String
    var customerName: String
    var contact: String
    var address: String
    var promised: String
    var lines: [Line]
    var total: String
    /// Open for a decision: by when, in words.
    var deadline: String?
    /// Closed and nothing just done here: says so, with the order's status in words.
    var closed: String?
    var done: String?
    var problemSummary: String?

    init(_ view: ConfirmationView, customerName: String?, done: String?, problems: [FieldProblem], language: Language) {
        let order = view.order
        number = order.number
        self.customerName = customerName ?? order.customerCode
        contact = [order.contactName, order.contactPhone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        address = order.deliveryAddress?.singleLine ?? "—"
        promised = order.promisedDate?.iso8601 ?? "—"
        lines = order.lines.map {
            Line(sku: $0.sku, description: $0.description, quantity: $0.quantity, unitPrice: $0.unitPrice.formatted, amount: $0.amount.formatted)
        }
        total = order.total.formatted
        let open = view.open && done == nil
        deadline = open ? Message("ui.confirm.deadline", ["deadline": displayTime(view.deadline)]).text(language) : nil
        closed = open || done != nil
            ? nil : Message("ui.confirm.closed", ["status": Message("order.status.\(order.status.rawValue)").text(language)]).text(language)
        self.done = done.map { Message($0).text(language) }
        problemSummary = problems.isEmpty ? nil : problems.map { $0.message.text(language) }.joined(separator: "；")
    }
}
