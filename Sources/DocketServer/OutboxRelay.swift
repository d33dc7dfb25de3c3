import AsyncHTTPClient
import DocketCore
import DocketStore
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Sends an SMS. Providers differ in how they are called; Docket needs only this.
public protocol SMSProvider: Sendable {
    /// `messageID` is the outbox message's id: a provider that deduplicates gets it as its idempotency key.
    func send(to phone: String, text: String, messageID: String) async throws
}

/// Writes each SMS to the log (phone masked): the default until a provider is configured, so messages leave the
/// queue and operators see what would have gone out.
public struct LoggingSMSProvider: SMSProvider {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func send(to phone: String, text: String, messageID: String) async throws {
        logger.info("docket.sms.logged", metadata: ["docket.message": "\(messageID)", "docket.phone": "\(phone.prefix(3))****\(phone.suffix(4))"])
    }
}

/// An SMS gateway reached over HTTPS (`--sms https://gateway.example.com/send?key=ID&secret=SECRET&sign=公司名`): each
/// request is a JSON `{"to","text","id","sign"}` POST, signed like our webhooks — `X-Docket-Key` names the key,
/// `X-Docket-Timestamp` and `X-Docket-Nonce` bound it in time, `X-Docket-Signature` is the hex HMAC-SHA256 with the
/// secret over `POST\n{path}\n{timestamp}\n{nonce}\n{hex SHA-256 of the body}`. A 2xx answer is sent.
public struct SMSGatewaySettings: Sendable, Hashable {
    public var url: String
    public var keyID: String
    public var secret: String
    public var signName: String?

    /// From `--sms`: `log` (the default: nil) or a gateway URL carrying `key`, `secret` and optionally `sign`.
    public static func parse(_ text: String) -> Result<SMSGatewaySettings?, SettingProblem> {
        if text.isEmpty || text == "log" { return .success(nil) }
        guard var url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            return .failure(SettingProblem("expected log or https://gateway/path?key=ID&secret=SECRET[&sign=NAME]"))
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let key = query["key"], !key.isEmpty, let secret = query["secret"], !secret.isEmpty else {
            return .failure(SettingProblem("the gateway URL needs key= and secret="))
        }
        url.queryItems = nil
        return .success(SMSGatewaySettings(url: url.string ?? text, keyID: key, secret: secret, signName: query["sign"].flatMap { $0.isEmpty ? nil : $0 }))
    }
}

public struct HTTPSMSProvider: SMSProvider {
    public var settings: SMSGatewaySettings
    let client: HTTPClient

    public init(settings: SMSGatewaySettings, client: HTTPClient = .shared) {
        self.settings = settings
        self.client = client
    }

    public func send(to phone: String, text: String, messageID: String) async throws {
        var body: [String: String] = ["to": phone, "text": text, "id": messageID]
        if let signName = settings.signName { body["sign"] = signName }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        let nonce = UUID().uuidString
        let path = URLComponents(string: settings.url)?.path ?? "/"
        let signature = GatewaySignature.sign(method: "POST", path: path, timestamp: timestamp, nonce: nonce, body: json, secret: settings.secret)
        try await client.postExpectingSuccess(
            settings.url, body: json, timeoutSeconds: 15,
            headers: [
                ("content-type", "application/json; charset=utf-8"), ("x-docket-key", settings.keyID), ("x-docket-timestamp", timestamp),
                ("x-docket-nonce", nonce), ("x-docket-signature", signature),
            ])
    }
}

extension HTTPClient {
    /// POSTs `body` with `headers`; any answer but a 2xx is `DeliveryError.status`. The answer's body is read (up to
    /// 64 KiB) and dropped, so the connection can be used again.
    func postExpectingSuccess(_ url: String, body: String, timeoutSeconds: Int64, headers: [(String, String)]) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await execute(request, timeout: .seconds(timeoutSeconds))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(Int(response.status.code)) else { throw DeliveryError.status(Int(response.status.code)) }
    }
}

public enum DeliveryError: Error, CustomStringConvertible {
    case status(Int)
    case noAddress
    case linkClosed(String)

    /// Failures that trying again cannot mend: a mail server's 5xx, a link for an order no longer waiting.
    static func isPermanent(_ error: any Error) -> Bool {
        if let smtp = error as? SMTPError { return smtp.isPermanent }
        if case DeliveryError.linkClosed = error { return true }
        return false
    }

    /// What kind of failure `error` is, for people (`DeliveryFailure`).
    static func kind(of error: any Error) -> DeliveryFailure {
        switch error {
        case let smtp as SMTPError:
            switch smtp {
            case .rejected: return .rejected
            case .startTLSUnavailable: return .settings
            case .timedOut: return .timeout
            case .connectionClosed, .malformedReply: return .unreachable
            }
        case DeliveryError.status: return .receiverError
        case DeliveryError.linkClosed: return .linkClosed
        case DeliveryError.noAddress: return .noSubscription
        case let http as HTTPClientError where http == .deadlineExceeded || http == .connectTimeout || http == .readTimeout:
            return .timeout
        default:
            let text = String(describing: error).lowercased()
            if text.contains("timed out") || text.contains("timeout") { return .timeout }
            if ["refused", "reset", "unreachable", "connect", "resolve", "dns", "closed"].contains(where: text.contains) { return .unreachable }
            return .other
        }
    }

    public var description: String {
        switch self {
        case .status(let code): "the receiver answered HTTP \(code)"
        case .noAddress: "the webhook subscription is gone"
        case .linkClosed(let number): "order \(number) no longer waits for confirmation; no link was sent"
        }
    }
}

/// How a delivery leaves: e-mail by SMTP (or to the log when no server is configured), SMS through the provider,
/// webhooks signed and posted. A confirmation request's link is minted as it is sent (`issueConfirmationLink`), so
/// no usable link lies in the database; receivers deduplicate by the outbox message's id.
public struct Notifier: Sendable {
    public var smtp: SMTPClient?
    public var sms: any SMSProvider
    public var publicURL: String
    let http: HTTPClient
    let logger: Logger

    public init(smtp: SMTPClient?, sms: any SMSProvider, publicURL: String, http: HTTPClient = .shared, logger: Logger) {
        self.smtp = smtp
        self.sms = sms
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.http = http
        self.logger = logger
    }

    public func send(_ delivery: MessageDelivery, store: Store) async throws {
        switch delivery.channel {
        case .email:
            let text = try await withLink(delivery.body, delivery, store: store)
            guard let smtp else {
                logger.info("docket.email.logged", metadata: ["docket.message": "\(delivery.outboxID)", "docket.subject": "\(delivery.subject ?? "")"])
                return
            }
            let message = MailMessage.compose(
                from: smtp.settings.from, fromName: smtp.settings.fromName, to: delivery.recipient, subject: delivery.subject ?? "",
                text: text, messageID: "docket-\(delivery.outboxID)-\(delivery.id)@\(SMTPClient.heloName)", outboxID: delivery.outboxID, date: Date())
            try await smtp.send(to: delivery.recipient, message: message)
        case .sms:
            try await sms.send(to: delivery.recipient, text: try await withLink(delivery.body, delivery, store: store), messageID: String(delivery.outboxID))
        case .webhook:
            guard let url = delivery.webhookURL, let secret = delivery.webhookSecret else { throw DeliveryError.noAddress }
            let timestamp = Int64(Date().timeIntervalSince1970)
            let id = String(delivery.outboxID)
            try await http.postExpectingSuccess(
                url, body: delivery.body, timeoutSeconds: 10,
                headers: [
                    ("content-type", "application/json"), ("user-agent", "Docket-Webhooks/1"), ("webhook-id", id),
                    ("webhook-timestamp", String(timestamp)),
                    ("webhook-signature", WebhookSignature.sign(id: id, timestamp: timestamp, body: delivery.body, secret: secret)),
                ])
        }
    }

    /// The message with a fresh confirmation link in place of `CustomerNotice.linkPlaceholder`, and a fresh
    /// tracking link in place of `CustomerNotice.trackPlaceholder`.
    func withLink(_ text: String, _ delivery: MessageDelivery, store: Store) async throws -> String {
        var text = text
        if text.contains(CustomerNotice.trackPlaceholder), let orderID = delivery.orderID {
            let token = try await store.tracking.issueLink(orderID: orderID)
            text = text.replacingOccurrences(of: CustomerNotice.trackPlaceholder, with: publicURL + "/track/" + token)
        }
        guard text.contains(CustomerNotice.linkPlaceholder), let orderID = delivery.orderID else { return text }
        let link: ConfirmationLink
        do {
            link = try await store.orders.issueConfirmationLink(orderID: orderID, by: Actor(.system, "notifier"))
        } catch let error as DocketError {
            switch error {
            case .illegalTransition, .conflict: throw DeliveryError.linkClosed(delivery.orderNumber ?? String(orderID.rawValue))
            default: throw error
            }
        }
        return text.replacingOccurrences(of: CustomerNotice.linkPlaceholder, with: publicURL + link.path)
    }
}

/// Delivers notifications on this node: hands due outbox rows on as deliveries (`DeliveryRepository.dispatch`), then
/// sends the due deliveries. Any number of nodes may run one: rows and deliveries are claimed with a lease, a node
/// that dies leaves its work to the others once the lease runs out, and a failed delivery is retried with a growing
/// delay until it is a dead letter. At least once: receivers deduplicate by the outbox message's id.
public struct OutboxRelay: Service {
    let store: Store
    let notifier: Notifier
    let policy: DeliveryPolicy
    let interval: Duration
    let owner: String
    let logger: Logger

    public init(store: Store, notifier: Notifier, policy: DeliveryPolicy = DeliveryPolicy(), intervalSeconds: Int, owner: String? = nil, logger: Logger) {
        self.store = store
        self.notifier = notifier
        self.policy = policy
        self.interval = .seconds(intervalSeconds)
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    public struct Round: Sendable, Hashable {
        public var dispatched = 0
        public var sent = 0
        public var failed = 0
        public var dead = 0
        public var claimed = 0
    }

    /// One round: hand on a batch of outbox rows, then send a batch of deliveries.
    @discardableResult
    public func deliverDue(limit: Int = 50) async throws -> Round {
        var round = Round()
        let handedOn = try await store.deliveries.dispatch(owner: owner, limit: limit)
        round.dispatched = handedOn.dispatched
        let deliveries = try await store.deliveries.claim(owner: owner, limit: limit)
        round.claimed = deliveries.count
        for delivery in deliveries {
            do {
                try await notifier.send(delivery, store: store)
                if try await store.deliveries.markSent(delivery) { round.sent += 1 }
            } catch {
                round.failed += 1
                let permanent = DeliveryError.isPermanent(error)
                logger.warning(
                    "docket.delivery.failed",
                    metadata: ["docket.delivery": "\(delivery.id)", "docket.channel": "\(delivery.channel.rawValue)", "error": "\(error)"])
                if (try? await store.deliveries.markFailed(
                    delivery, error: DeliveryError.kind(of: error).stored(String(describing: error)), permanent: permanent, policy: policy)) == .dead {
                    round.dead += 1
                }
            }
        }
        if round.sent > 0 { Counter(label: "docket_deliveries_sent_total").increment(by: round.sent) }
        if round.failed > 0 { Counter(label: "docket_deliveries_failed_total").increment(by: round.failed) }
        if round.dead > 0 { Counter(label: "docket_deliveries_dead_total").increment(by: round.dead) }
        return round
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let required = Set(Migration.all.map(\.version))
            while !Task.isCancelled, (try? await store.appliedVersions().isSuperset(of: required)) != true {
                try? await Task.sleep(for: .milliseconds(200))
            }
            while !Task.isCancelled {
                do {
                    while !Task.isCancelled {
                        let round = try await deliverDue()
                        if round.claimed < 50 && round.dispatched < 50 { break }
                    }
                } catch {
                    logger.warning("docket.outbox.relayFailed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

