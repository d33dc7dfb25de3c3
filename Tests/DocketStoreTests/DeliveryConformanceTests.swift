import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import Testing

@Suite("Notification deliveries on both stores", .serialized)
struct DeliveryConformanceTests {
    func setup(_ store: Store) async throws -> WebhookSubscription {
        try await orderSetup(store)
        var english = sampleCustomer("C002")
        english.name = "Harbour Trading Ltd"
        english.language = .en
        english.contacts = [Contact(name: "Li Wei", phone: "137 0000 1111", isPrimary: true)]
        _ = try await store.customers.create(english, by: clerk)
        #expect(try await store.customers.get(key: "C002").value.language == .en, "read back after the migrations")
        var landline = sampleCustomer("C003")
        landline.contacts = [Contact(name: "赵工", phone: "021-12345678", isPrimary: true)]
        _ = try await store.customers.create(landline, by: clerk)
        _ = try await store.deliveries.subscribe(WebhookSubscriptionDraft(name: "停用的", url: "http://127.0.0.1:9/off", active: false), by: clerk)
        return try await store.deliveries.subscribe(
            WebhookSubscriptionDraft(name: "ERP", url: "http://127.0.0.1:9/hook", topics: [NotificationTopic.acknowledged.rawValue]), by: clerk)
    }

    func draft(_ customer: String) -> OrderDraft {
        var draft = completeDraft()
        draft.customerCode = customer
        draft.contactPhone = nil
        return draft
    }

    /// Outbox rows become one delivery per recipient — the customer by e-mail (or SMS to a mobile, in the customer's
    /// language), each subscription listening to the topic — exactly once even with two relays at it; a relay that
    /// dies holding deliveries leaves them to the other once its lease runs out, and its late marks change nothing.
    @Test(arguments: Engine.available)
    func eachMessageBecomesOneDeliveryPerRecipientEvenWithARelayDying(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let hook = try await setup(store)
            var numbers: [String: String] = [:]
            for customer in ["C001", "C001", "C001", "C002", "C002", "C003"] {
                let order = try await store.orders.submitOrder(draft(customer), idempotencyKey: nil, by: clerk).order
                numbers[order.number] = customer
            }
            async let a = store.deliveries.dispatch(owner: "node-a", limit: 3)
            async let b = store.deliveries.dispatch(owner: "node-b", limit: 3)
            let (x, y) = try await (a, b)
            #expect(x.dispatched + y.dispatched == 6)
            #expect(try await store.deliveries.dispatch(owner: "node-a").claimed == 0, "every row was handed on")
            #expect(try await store.outbox.outboxBacklog() == 0)

            let all = try await store.deliveries.list(limit: 200)
            let emails = all.filter { $0.channel == .email }
            let texts = all.filter { $0.channel == .sms }
            let hooks = all.filter { $0.channel == .webhook }
            #expect(emails.count == 3 && texts.count == 2 && hooks.count == 6, "the landline customer gets no SMS: \(all.map(\.channel))")
            #expect(Set(all.map { "\($0.outboxID)/\($0.channel)/\($0.recipient)" }).count == all.count)
            for email in emails {
                let number = try #require(email.orderNumber)
                #expect(email.recipient == "wang@example.cn" && numbers[number] == "C001")
                #expect(email.subject == "订单 \(number) 已收到")
                #expect(email.body.contains("上海华联贸易有限公司，您好") && email.body.contains("合计：¥") && email.body.contains("预计处理时间：30 天"))
                #expect(!email.body.contains("{"), "no placeholder left: \(email.body)")
            }
            for text in texts {
                #expect(text.recipient == "137 0000 1111")
                #expect(text.body.hasPrefix("Your order \(try #require(text.orderNumber)) is received, total ¥"), "\(text.body)")
            }
            for delivery in hooks {
                #expect(delivery.subscriptionID == hook.id && delivery.webhookURL == hook.draft.url && delivery.webhookSecret == hook.secret)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any])
                #expect(json["id"] as? String == String(delivery.outboxID) && json["type"] as? String == "order.acknowledged")
                let data = try #require(json["data"] as? [String: Any])
                #expect(data["number"] as? String == delivery.orderNumber)
            }

            // node-a claims four and dies; node-b takes the rest, then node-a's once the lease is over.
            let first = try await store.deliveries.claim(owner: "node-a", limit: 4)
            let second = try await store.deliveries.claim(owner: "node-b")
            #expect(first.count == 4 && second.count == 7, "\(first.count) \(second.count)")
            #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            for delivery in second { #expect(try await store.deliveries.markSent(delivery)) }
            #expect(try await store.deliveries.claim(owner: "node-b").isEmpty, "a lease holds")
            clock.advance(milliseconds: 61_000)
            let takenOver = try await store.deliveries.claim(owner: "node-b")
            #expect(Set(takenOver.map(\.id)) == Set(first.map(\.id)) && takenOver.allSatisfy { $0.attempts == 2 })
            for delivery in first { #expect(try await store.deliveries.markSent(delivery) == false, "the dead relay's lease is gone") }
            for delivery in takenOver { #expect(try await store.deliveries.markSent(delivery)) }
            #expect(try await store.deliveries.counts() == [.delivered: 11])
            clock.advance(milliseconds: 7_200_000)
            #expect(try await store.deliveries.claim(owner: "node-a").isEmpty, "sent deliveries are never claimed again")
            #expect(try await store.check().isClean)
        }
    }

    /// A failing delivery waits 30 s, then 60 s …; after the last attempt it is a dead letter nobody claims, until a
    /// person sends it again; a permanent failure is dead at once; only a dead letter can be sent again.
    @Test(arguments: Engine.available)
    func aFailingDeliveryIsRetriedThenDeadThenSentAgainByHand(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            _ = try await setup(store)
            _ = try await store.orders.submitOrder(draft("C003"), idempotencyKey: nil, by: clerk)
            _ = try await store.orders.submitOrder(draft("C001"), idempotencyKey: nil, by: clerk)
            try await store.deliveries.dispatch(owner: "n")
            let policy = DeliveryPolicy(maxAttempts: 3)
            var hook = try #require(try await store.deliveries.claim(owner: "n").first { $0.channel == .webhook && $0.orderNumber != nil })
            let email = try #require(try await store.deliveries.list(status: .pending).first { $0.channel == .email })
            #expect(try await store.deliveries.markFailed(hook, error: "HTTP 500", policy: policy) == .pending)
            clock.advance(milliseconds: 29_000)
            #expect(try await store.deliveries.claim(owner: "n").allSatisfy { $0.id != hook.id }, "waits 30 s")
            clock.advance(milliseconds: 1_001)
            hook = try #require(try await store.deliveries.claim(owner: "n").first { $0.id == hook.id })
            #expect(try await store.deliveries.markFailed(hook, error: "HTTP 500", policy: policy) == .pending)
            clock.advance(milliseconds: 60_001)
            hook = try #require(try await store.deliveries.claim(owner: "n").first { $0.id == hook.id })
            #expect(hook.attempts == 3)
            #expect(try await store.deliveries.markFailed(hook, error: "HTTP 500", policy: policy) == .dead)
            clock.advance(milliseconds: 7_200_000)
            #expect(try await store.deliveries.claim(owner: "n").allSatisfy { $0.id != hook.id }, "a dead letter is not claimed")
            let dead = try await store.deliveries.list(status: .dead)
            #expect(dead.map(\.id) == [hook.id] && dead.first?.lastError == "HTTP 500")

            let again = try await store.deliveries.redeliver(id: hook.id, by: clerk)
            #expect(again.status == .pending && again.attempts == 0)
            await #expect(throws: DocketError.self) { try await store.deliveries.redeliver(id: hook.id, by: clerk) }
            await #expect(throws: DocketError.self) { try await store.deliveries.redeliver(id: 999_999, by: clerk) }
            let retried = try #require(try await store.deliveries.claim(owner: "n").first { $0.id == hook.id })
            #expect(try await store.deliveries.markSent(retried))

            // The mail server refused the address (5xx): no point in trying again.
            clock.advance(milliseconds: 61_000)
            let mail = try #require(try await store.deliveries.claim(owner: "m").first { $0.id == email.id })
            #expect(try await store.deliveries.markFailed(mail, error: "550 no such user", permanent: true, policy: policy) == .dead)
        }
    }
}
