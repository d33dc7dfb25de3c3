import DocketCore
import DocketStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Where the relay hands messages. E-mail, SMS and webhook transports plug in here (the notifications work). A
/// transport that sends a `confirmationRequested` message to the customer mints the link as it sends
/// (`Store.issueConfirmationLink`), so no usable link is ever stored. Receivers deduplicate by `message.id`.
public protocol OutboxTransport: Sendable {
    func deliver(_ message: OutboxMessage) async throws
}

/// Writes each message to the log (topic, subject and id only: payloads name customers). The transport until
/// real ones are configured, so the outbox drains and operators see what would have gone out.
public struct LoggingTransport: OutboxTransport {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func deliver(_ message: OutboxMessage) async throws {
        logger.info(
            "docket.outbox.delivered",
            metadata: [
                "docket.message": "\(message.id)", "docket.topic": "\(message.topic)",
                "docket.subject": "\(message.subject):\(message.subjectID.map(String.init) ?? "")",
            ])
    }
}

/// Delivers the outbox on this node. Any number of nodes may run one: a message is claimed with a lease and
/// marked delivered under that lease, a node that dies leaves its messages to the others once the lease runs
/// out, and a failed delivery is retried with a growing delay. At least once: receivers deduplicate by id.
public struct OutboxRelay: Service {
    let store: Store
    let transport: any OutboxTransport
    let interval: Duration
    let owner: String
    let logger: Logger

    public init(store: Store, transport: any OutboxTransport, intervalSeconds: Int, logger: Logger) {
        self.store = store
        self.transport = transport
        self.interval = .seconds(intervalSeconds)
        self.owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    /// Claims and delivers one batch; returns how many messages were delivered (for tests and the loop).
    @discardableResult
    public func deliverDue(limit: Int = 50) async throws -> (delivered: Int, failed: Int, claimed: Int) {
        let messages = try await store.outbox.claimOutbox(owner: owner, limit: limit)
        var delivered = 0
        var failed = 0
        for message in messages {
            do {
                try await transport.deliver(message)
                if try await store.outbox.markDelivered(message) { delivered += 1 }
            } catch {
                failed += 1
                logger.warning("docket.outbox.failed", metadata: ["docket.message": "\(message.id)", "error": "\(error)"])
                try? await store.outbox.markFailed(message, error: String(describing: error))
            }
        }
        if delivered > 0 { Counter(label: "docket_outbox_delivered_total").increment(by: delivered) }
        if failed > 0 { Counter(label: "docket_outbox_failed_total").increment(by: failed) }
        return (delivered, failed, messages.count)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let required = Set(Migration.all.map(\.version))
            while !Task.isCancelled, (try? await store.appliedVersions().isSuperset(of: required)) != true {
                try? await Task.sleep(for: .milliseconds(200))
            }
            while !Task.isCancelled {
                do {
                    while !Task.isCancelled, try await deliverDue().claimed == 50 {}
                } catch {
                    logger.warning("docket.outbox.relayFailed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
