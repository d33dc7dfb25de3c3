import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

private struct Hook: Decodable {
    var id: Int64
    var secret: String
    var version: Int64
}

private struct DeliveryRow: Decodable {
    var id: Int64
    var messageId: Int64
    var channel: String
    var status: String
    var lastError: String?
}

@Suite("Notification delivery to a real mailbox and webhook receiver", .serialized)
struct NotificationDeliveryTests {
    func setup(_ store: Store, email: String) async throws {
        var customer = try JSONDecoder().decode(Customer.self, from: Data(customerJSON.utf8))
        customer.contacts[0].email = email
        _ = try await store.customers.create(customer, by: .cli())
        _ = try await store.products.create(Product(sku: "TEA-1", nameZh: "龙井", listPrice: Money(minor: 26_800)), by: .cli())
    }

    func notifier(_ sink: SMTPSink) -> Notifier {
        Notifier(
            smtp: SMTPClient(
                settings: SMTPSettings(
                    host: "127.0.0.1", port: sink.port, security: .startTLSIfOffered, username: "relay", password: "pw 1",
                    from: "orders@docket.test", fromName: "多克特贸易")),
            sms: LoggingSMSProvider(logger: testLogger), publicURL: "https://orders.example.cn", logger: testLogger)
    }

    /// Five orders' acknowledgements reach the mailbox and the webhook receiver. Node A hands them on, sends two and is
    /// killed before it records them; node B sends the rest at once and A's after its lease runs out. Every message
    /// arrives; the only repeats are A's two, with the same message id; every webhook signature verifies.
    @Test func everyMessageArrivesOnceOrRepeatedWithItsIDWhenARelayDies() async throws {
        let sink = try await SMTPSink.start()
        let receiver = try await WebhookReceiver.start()
        let clock = ManualClock()
        try await withApp(clock: clock) { client, store in
            try await setup(store, email: "buyer@example.cn")
            let hook = try await client.execute(
                uri: "/api/v1/webhooks", method: .post, body: body(#"{"name":"ERP","url":"http://127.0.0.1:\#(receiver.port)/hooks"}"#)
            ) { response throws in
                #expect(response.status == .created)
                return try decode(Hook.self, response)
            }
            #expect(hook.secret.hasPrefix("whsec_"))
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/orders", method: .post, body: body(orderJSON)) { #expect($0.status == .created) }
            }
            let notifier = notifier(sink)
            let nodeA = OutboxRelay(store: store, notifier: notifier, intervalSeconds: 1, owner: "node-a", logger: testLogger)
            let nodeB = OutboxRelay(store: store, notifier: notifier, intervalSeconds: 1, owner: "node-b", logger: testLogger)

            try await store.deliveries.dispatch(owner: "node-a")
            let held = try await store.deliveries.claim(owner: "node-a", limit: 4)
            for delivery in held.prefix(2) { try await notifier.send(delivery, store: store) }
            // node-a is killed here: nothing recorded.
            let now = try await nodeB.deliverDue()
            #expect(now.sent == 6 && now.failed == 0)
            #expect(try await nodeB.deliverDue().claimed == 0, "node-a's lease still holds")
            clock.advance(milliseconds: 61_000)
            #expect(try await nodeB.deliverDue().sent == 4)
            #expect(try await nodeA.deliverDue().claimed == 0)

            let all = try await store.deliveries.list(limit: 100)
            #expect(all.count == 10 && all.allSatisfy { $0.status == .delivered })
            let expected = Set(all.map(\.outboxID))
            #expect(expected.count == 5)

            let mails = sink.received
            let mailIDs = mails.compactMap { $0.header("X-Docket-Message").flatMap { Int64($0) } }
            #expect(Set(mailIDs) == expected)
            let repeatedMails = held.prefix(2).filter { $0.channel == .email }.map(\.outboxID)
            #expect(mailIDs.count == 5 + repeatedMails.count && mailIDs.sorted() == (Array(expected) + repeatedMails).sorted())
            for mail in mails {
                #expect(mail.to == "buyer@example.cn" && mail.from == "<orders@docket.test>" && mail.auth == "\u{0}relay\u{0}pw 1")
                let subject = try #require(mail.header("Subject"))
                #expect(subject.hasPrefix("=?UTF-8?B?"))
                #expect(mail.text.contains("杭州佳和商贸有限公司，您好") && mail.text.contains("龙井 × 2") && mail.text.contains("合计：¥536.00"))
            }

            let posts = receiver.received
            let hookIDs = posts.compactMap { $0.headers["webhook-id"].flatMap { Int64($0) } }
            #expect(Set(hookIDs) == expected)
            let repeatedHooks = held.prefix(2).filter { $0.channel == .webhook }.map(\.outboxID)
            #expect(hookIDs.sorted() == (Array(expected) + repeatedHooks).sorted())
            let nowSeconds = Int64(Date().timeIntervalSince1970)
            for post in posts {
                #expect(post.path == "/hooks")
                let timestamp = try #require(post.headers["webhook-timestamp"].flatMap { Int64($0) })
                #expect(
                    WebhookSignature.verify(
                        id: try #require(post.headers["webhook-id"]), timestamp: timestamp, body: post.body,
                        signatures: try #require(post.headers["webhook-signature"]), secret: hook.secret, now: nowSeconds))
                #expect(!WebhookSignature.verify(
                    id: post.headers["webhook-id"] ?? "", timestamp: timestamp, body: post.body + " ", signatures: post.headers["webhook-signature"] ?? "",
                    secret: hook.secret, now: nowSeconds), "a changed body fails")
                #expect(!WebhookSignature.verify(
                    id: post.headers["webhook-id"] ?? "", timestamp: timestamp, body: post.body, signatures: post.headers["webhook-signature"] ?? "",
                    secret: hook.secret, now: nowSeconds + 600), "an old delivery replayed fails")
            }
            #expect(try await store.check().isClean)
        }
        await sink.stop()
        await receiver.stop()
    }

    /// A receiver that keeps failing ends in the dead letter; sent again from the API once it is back, it arrives with
    /// the same id. A mail server's 5xx is a dead letter at once.
    @Test func aFailingReceiverEndsInTheDeadLetterAndIsSentAgain() async throws {
        let sink = try await SMTPSink.start()
        let receiver = try await WebhookReceiver.start()
        receiver.answer.withLock { $0 = 500 }
        let clock = ManualClock()
        try await withApp(clock: clock) { client, store in
            try await setup(store, email: "refuse@example.cn")
            _ = try await store.deliveries.subscribe(
                WebhookSubscriptionDraft(name: "ERP", url: "http://127.0.0.1:\(receiver.port)/hooks"), by: .cli())
            try await client.execute(uri: "/api/v1/orders", method: .post, body: body(orderJSON)) { #expect($0.status == .created) }
            let relay = OutboxRelay(
                store: store, notifier: notifier(sink), policy: DeliveryPolicy(maxAttempts: 2), intervalSeconds: 1, logger: testLogger)
            let first = try await relay.deliverDue()
            #expect(first.claimed == 2 && first.failed == 2 && first.dead == 1, "the refused mail is dead at once")
            clock.advance(milliseconds: 30_001)
            #expect(try await relay.deliverDue().dead == 1)
            let dead = try await client.execute(uri: "/api/v1/deliveries?status=dead", method: .get) { try decode([DeliveryRow].self, $0) }
            #expect(dead.count == 2)
            let webhook = try #require(dead.first { $0.channel == "webhook" })
            #expect(webhook.lastError?.contains("500") == true)
            #expect(dead.first { $0.channel == "email" }?.lastError?.contains("550") == true)

            receiver.answer.withLock { $0 = 204 }
            try await client.execute(uri: "/api/v1/deliveries/\(webhook.id)/redeliver", method: .post) { response throws in
                #expect(response.status == .ok)
                #expect(try decode(DeliveryRow.self, response).status == "pending")
            }
            #expect(try await relay.deliverDue().sent == 1)
            try await client.execute(uri: "/api/v1/deliveries/\(webhook.id)/redeliver", method: .post) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/deliveries/99999/redeliver", method: .post) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/deliveries?status=lost", method: .get) { #expect($0.status == .unprocessableContent) }
            let ids = receiver.received.compactMap { $0.headers["webhook-id"] }
            #expect(ids.count == 3 && Set(ids) == [String(webhook.messageId)])
            #expect(sink.received.isEmpty)
        }
        await sink.stop()
        await receiver.stop()
    }
}
