import DocketCore
import DocketStore

/// The order page as typed models, one per panel, each rendered by its own partial template (`OrderTemplates`):
/// Mustache reads the structs' stored properties. Text is already in the reader's language; a property that may be
/// absent is optional (Mustache counts an empty string as present). Mustache looks a nil property up in the
/// contexts around it, so an optional's name must not be one the page or the layout also uses.
struct OrderPageModel {
    struct Badge {
        var code: String
        var label: String
    }

    struct Feedback {
        var text: String
        var nextHref: String?
        var nextLabel: String?
    }

    /// Who, where, what kind: the lines under the title.
    struct Header {
        var customer: String
        var contact: String
        var address: String
        var type: String
        var payment: String
        var requested: String
        var promised: String
        var revision: Int64
        var received: String
        var requirements: String?
        var notes: String?
    }

    struct Problems {
        var items: [String]
        var completeHref: String?
    }

    struct Line {
        var no: Int
        var sku: String
        var description: String
        var quantity: Int64
        var unitPrice: String
        var listPrice: String?
        var override: Bool
        var amount: String
    }

    struct Lines {
        var rows: [Line]
        var total: String
        /// A line is priced off the list: the marker's legend is shown.
        var hasOverride: Bool
    }

    struct Finding {
        var severity: String
        var text: String
    }

    /// The stage the order is in, what it found, and the decision form for the one who decides it.
    struct Review {
        var stage: String
        var stageName: String
        var credit: Badge?
        var findings: [Finding]
        var hasOverrides: Bool
        var canDecide: Bool
        var action: String
    }

    struct Choice {
        var value: String
        var label: String
    }

    /// Waiting for the customer: the deadline, recording a confirmation, sending or copying a new link.
    struct Confirmation {
        var deadline: String
        var pendingCustomerRequest: Bool
        var channels: [Choice]
        var newLink: String?
        var recordAction: String
        var resendAction: String
        var linkAction: String
    }

    struct Action {
        var action: String
        var id: String
        var label: String
        var needsReason: Bool
    }

    struct Change {
        var id: ID<ChangeRequest>
        var statusCode: String
        var status: String
        var who: String
        var when: String
        var message: String?
        var diff: [Diff]
        var findings: [Finding]
        var decision: String?
        var canDecide: Bool
        var decisionAction: String
    }

    struct Diff {
        var field: String
        var before: String
        var after: String
    }

    struct ReviewRow {
        var stage: String
        var decision: String
        var who: String
        var reason: String
        var when: String
    }

    struct Revision {
        var revision: Int64
        var who: String
        var when: String
        var reason: String
        var diff: [Diff]
    }

    struct TimerRow {
        var kind: String
        var due: String
        var outcome: String
    }

    struct Event {
        var when: String
        var who: String
        var step: String
        var fromTo: String
        var reason: String
    }

    var number: String
    var status: Badge
    var urgent: Bool
    var done: Feedback?
    var header: Header
    var problems: Problems?
    var lines: Lines
    var review: Review?
    var confirmation: Confirmation?
    var allocation: AllocationPanel?
    var fulfilment: FulfilmentPanel? = nil
    var exceptions: ExceptionsPanel? = nil
    var actions: [Action]
    var changeHref: String?
    var reviews: Table<ReviewRow>?
    var changes: Table<Change>?
    var revisions: Table<Revision>?
    var timers: Table<TimerRow>?
    var timeline: [Event]

    /// 分配计划: where each line comes from, and why (every warehouse and lot looked at, in words).
    struct AllocationPanel {
        struct Pick {
            var warehouse: String
            var location: String
            /// Nil for stock without a lot number.
            var lot: String?
            var expiry: String?
            var quantity: Int64
        }

        struct Row {
            var no: Int
            var sku: String
            var quantity: Int64
            var allocated: Int64
            /// Still missing from stock (nil when nothing is).
            var shortBy: Int64?
            var toProduce: Int64?
            var picks: [Pick]
            var why: [String]
        }

        var status: Badge
        var reservation: String?
        var warehouses: String?
        var rows: [Row]
        /// Not planned yet: says when it will be.
        var notYet: Bool
        var rerunAction: String?
        /// 下发仓库: confirmed, fully and firmly allocated, and the reader may.
        var releaseAction: String?
    }

    /// 发货: the order's shipments and cases.
    struct FulfilmentPanel {
        struct Row {
            var number: String
            var href: String
            var warehouse: String
            var status: Badge
            var carrier: String
            var tracking: String
            var eta: String
            var delivered: String
        }

        /// A line the order still owes (欠货).
        struct Owed {
            var lineID: Int64
            var sku: String
            var name: String
            var ordered: Int64
            var carried: Int64
            var closed: Int64
            var owed: Int64
        }

        var rows: [Row]
        var cases: [ShipmentPageModel.Link]
        var owed: [Owed]
        /// The order's version, sent with a close so a decision on a stale page is refused.
        var version: Int64
        var serveAction: String?
        var closeAction: String?
    }

    /// A list shown with its heading only when it has rows (nil when empty).
    struct Table<Row> {
        var rows: [Row]

        static func of(_ rows: [Row]) -> Table? { rows.isEmpty ? nil : Table(rows: rows) }
    }
}

extension OrderPageModel {
    /// What the page shows of `file`, for a reader with `roles`, in `language`. `people` names the actors.
    init(
        _ file: OrderFile, roles: Set<Role>, people: People, language: Language, problems extra: [FieldProblem], alert: String?,
        newLink: String?, done: Feedback?
    ) {
        let order = file.order
        let id = order.id
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        func who(_ stored: String) -> String { people.name(of: stored, in: language) }
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        func findings(_ list: [ReviewFinding]) -> [Finding] {
            list.map { finding in
                var arguments = finding.arguments
                if let method = arguments["method"] { arguments["method"] = text("payment.\(method)") }
                if let kind = arguments["kind"] { arguments["kind"] = text("ui.invoice.\(kind)") }
                return Finding(severity: finding.severity.rawValue, text: text("finding.\(finding.code)", arguments))
            }
        }
        func diff(_ changes: [RevisionChange]) -> [Diff] {
            changes.map { Diff(field: FieldLabel.text($0.field, in: language), before: $0.before ?? "—", after: $0.after ?? "—") }
        }
        number = order.number
        status = Badge(code: order.status.rawValue, label: text("order.status.\(order.status.rawValue)"))
        urgent = order.urgent
        self.done = done
        header = Header(
            customer: People.customer(order.customerCode, name: order.customerName, in: language),
            contact: [order.contactName, order.contactPhone].compactMap { $0 }.joined(separator: " "),
            address: order.deliveryAddress?.singleLine ?? "", type: text("order.type.\(order.type.rawValue)"),
            payment: text("payment.\(order.paymentMethod.rawValue)"), requested: order.requestedDate?.iso8601 ?? "—",
            promised: order.promisedDate?.iso8601 ?? "—", revision: order.revision, received: displayTime(order.receivedAt),
            requirements: nonEmpty(order.customerRequirements), notes: nonEmpty(order.notes))
        let problemTexts = (order.problems + extra).map { FieldLabel.problem($0, in: language) } + (alert.map { [$0] } ?? [])
        problems = problemTexts.isEmpty ? nil : Problems(
            items: problemTexts,
            completeHref: order.status == .needsInfo && Access.orderIntake.allows(roles) ? Route.orderComplete(id).path : nil)
        lines = Lines(
            rows: order.lines.enumerated().map { index, line in
                Line(
                    no: index + 1, sku: line.sku, description: language == .en ? (line.nameEn ?? line.description) : line.description,
                    quantity: line.quantity, unitPrice: line.unitPrice.formatted, listPrice: line.listPrice?.formatted,
                    override: line.priceOverride, amount: line.amount.formatted)
            },
            total: order.total.formatted, hasOverride: order.lines.contains(where: \.priceOverride))
        if let assessment = file.assessment, let stage = ReviewStage(status: order.status) {
            review = Review(
                stage: stage.rawValue, stageName: text("review.stage.\(stage.rawValue)"),
                credit: assessment.credit.map { Badge(code: $0.outcome.rawValue, label: text("credit.outcome.\($0.outcome.rawValue)")) },
                findings: findings(assessment.findings), hasOverrides: !assessment.priceOverrides.isEmpty,
                canDecide: roles.contains { $0.reviews(order.status) }, action: Route.orderReview(id).path)
        }
        if order.status == .awaitingConfirmation && Access.orderIntake.allows(roles) {
            let deadline = file.timers.first { $0.kind == .confirmationDeadline && $0.doneAt == nil }
            confirmation = Confirmation(
                deadline: displayTime(deadline?.dueAt),
                pendingCustomerRequest: file.changes.contains { $0.source == .customer && $0.status == .pending },
                channels: ConfirmationChannel.allCases.map { Choice(value: $0.rawValue, label: text("confirmation.channel.\($0.rawValue)")) },
                newLink: newLink, recordAction: Route.orderConfirmation(id).path, resendAction: Route.orderConfirmationResend(id).path,
                linkAction: Route.orderConfirmationLink(id).path)
        }
        let hold = OrderWorkflow.stockHold(order.state)
        if file.allocation != nil || hold != .none {
            func site(_ code: String) -> String {
                file.warehouseNames[code].map { People.place($0, code: code, in: language) } ?? code
            }
            let stored = file.allocation
            let released = stored?.status == .released
            let statusCode = stored?.status.rawValue ?? AllocationPlan.Status.none.rawValue
            var reservation: String?
            if let stored, !released, stored.status != .shipped {
                reservation = stored.firm
                    ? text("allocation.reservation.firm")
                    : text("allocation.reservation.soft") + (stored.expiresAt.map { " · " + text("allocation.reservation.expires", ["time": displayTime($0)]) } ?? "")
            }
            let rows = (released ? [] : stored?.plan.lines ?? []).enumerated().map { index, line in
                AllocationPanel.Row(
                    no: index + 1, sku: line.sku, quantity: line.quantity, allocated: line.allocated, shortBy: line.short > 0 ? line.short : nil,
                    toProduce: line.toProduce > 0 ? line.toProduce : nil,
                    picks: line.picks.map {
                        AllocationPanel.Pick(
                            warehouse: site($0.warehouse), location: $0.location, lot: $0.lot.isEmpty ? nil : $0.lot, expiry: $0.expiry?.iso8601,
                            quantity: $0.quantity)
                    },
                    why: line.explanation.map { note in
                        var message = note.message
                        if let code = note.warehouse { message.arguments["warehouse"] = site(code) }
                        return message.text(language)
                    })
            }
            allocation = AllocationPanel(
                status: Badge(code: statusCode, label: text("allocation.status.\(statusCode)")), reservation: reservation,
                warehouses: released ? nil : stored.map { $0.plan.warehouses.map(site).joined(separator: language == .zhCN ? "、" : ", ") }
                    .flatMap { $0.isEmpty ? nil : $0 },
                rows: rows, notYet: stored == nil,
                rerunAction: OrderWorkflow.replannable(order.state) && Access.allocation.allows(roles) ? Route.orderAllocation(id).path : nil,
                releaseAction: order.status == .confirmed && Access.allocation.allows(roles) && stored?.readyForWarehouse(backorderAccepted: file.backorderAccepted) == true
                    ? Route.orderRelease(id).path : nil)
        }
        actions = !Access.orderControl.allows(roles) ? [] : [OrderAction.hold, .resume, .cancel]
            .filter { OrderLifecycle.actions(from: order.status).contains($0) }
            .map { Action(action: Route.orderAction(id, $0).path, id: "order-\($0.rawValue)", label: text("order.action.\($0.rawValue)"), needsReason: $0 != .resume) }
        changeHref = OrderWorkflow.changeable.contains(order.status) && Access.orderIntake.allows(roles) ? Route.orderChange(id).path : nil
        reviews = .of(file.reviews.map { record in
            ReviewRow(
                stage: text("review.stage.\(record.stage.rawValue)"), decision: text("review.decision.\(record.decision.rawValue)"),
                who: who(record.actor), reason: record.reason ?? "", when: displayTime(record.decidedAt))
        })
        let canApprove = Access.orderChangeApproval.allows(roles)
        changes = .of(file.changes.reversed().map { change in
            Change(
                id: change.id, statusCode: change.status.rawValue, status: text("change.status.\(change.status.rawValue)"),
                who: who(change.requestedBy), when: displayTime(change.requestedAt), message: nonEmpty(change.message),
                diff: diff(change.assessment.diff), findings: findings((change.assessment.credit?.reasons ?? []) + change.assessment.stock),
                decision: change.decidedBy.map { [who($0), change.decisionReason ?? ""].filter { !$0.isEmpty }.joined(separator: " · ") },
                canDecide: canApprove && change.status == .pending, decisionAction: Route.changeDecision(change.id).path)
        })
        revisions = .of(file.revisions.map { revision in
            Revision(
                revision: revision.revision, who: who(revision.actor), when: displayTime(revision.createdAt), reason: revision.reason ?? "",
                diff: diff(revision.diff))
        })
        timers = .of(file.timers.map { timer in
            TimerRow(
                kind: text("timer.\(timer.kind.rawValue)"), due: displayTime(timer.dueAt),
                outcome: timer.outcome.map { text("timer.outcome.\($0.rawValue)") } ?? "")
        })
        timeline = file.timeline.map { event in
            // A rule's decision names the rule as the one who decided (规则「A 类客户初审」): no reason besides.
            let reason = event.rule != nil ? nil : event.reason.map { reason -> String in
                if let channel = ConfirmationChannel(rawValue: reason) { return text("confirmation.channel.\(channel.rawValue)") }
                if reason == ConfirmedVia.link.code { return text("ui.order.viaLink") }
                if reason == OrderWorkflow.deadlineReason { return text("reason.confirmationDeadlinePassed") }
                if reason == OrderWorkflow.archiveReason { return text("reason.archiveDue") }
                if let channel = OrderChannel(rawValue: reason) { return text("ui.channel.\(channel.rawValue)") }
                return reason
            }
            return Event(
                when: displayTime(event.occurredAt), who: who(event.actor), step: text("order.action.\(event.action)"),
                fromTo: [event.from, event.to].compactMap { $0 }.map { text("order.status.\($0.rawValue)") }.joined(separator: " → "),
                reason: reason ?? "")
        }
    }

    /// Everyone the page names, to be looked up at once.
    static func actors(in file: OrderFile) -> [String] {
        file.reviews.map(\.actor) + file.changes.flatMap { [$0.requestedBy] + ($0.decidedBy.map { [$0] } ?? []) } + file.revisions.map(\.actor)
            + file.timeline.map(\.actor)
    }
}
