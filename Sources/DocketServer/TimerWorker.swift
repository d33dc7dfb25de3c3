import DocketStore
import Foundation
import Logging
import ServiceLifecycle

/// Runs the durable timers (confirmation reminders and deadlines) on this node, hourly housekeeping, and every five minutes the exception watch. Any number of nodes may run one:
/// a timer is claimed with a lease, and its effect is guarded by that lease, so none runs twice and a node that
/// dies leaves its timers to the others once the lease runs out. Timers survive restarts: they are rows.
public struct TimerWorker: Service {
    let store: Store
    let interval: Duration
    let owner: String
    let logger: Logger

    public init(store: Store, intervalSeconds: Int, logger: Logger) {
        self.store = store
        self.interval = .seconds(intervalSeconds)
        self.owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Start once this node (or another) has brought the schema up to date.
            let required = Set(Migration.all.map(\.version))
            while !Task.isCancelled, (try? await store.appliedVersions().isSuperset(of: required)) != true {
                try? await Task.sleep(for: .milliseconds(200))
            }
            logger.info("docket.timers.started", metadata: ["docket.owner": "\(owner)"])
            var lastHousekeeping = ContinuousClock.now - .seconds(3600)
            var lastWatch = ContinuousClock.now - .seconds(300)
            while !Task.isCancelled {
                if ContinuousClock.now - lastHousekeeping >= .seconds(3600) {
                    lastHousekeeping = ContinuousClock.now
                    do {
                        let removed = try await store.timers.houseKeep()
                        logger.info("docket.housekeeping", metadata: ["docket.removed": "\(removed)"])
                    } catch {
                        logger.warning("docket.housekeeping.failed", metadata: ["error": "\(error)"])
                    }
                }
                if ContinuousClock.now - lastWatch >= .seconds(300) {
                    lastWatch = ContinuousClock.now
                    do {
                        // 自动异常: silent shipments and orders past their promised date (one per order and kind, however
                        // many nodes watch).
                        let raised = try await store.exceptions.watch()
                        if raised > 0 { logger.info("docket.exceptions.raised", metadata: ["docket.count": "\(raised)"]) }
                    } catch {
                        logger.warning("docket.exceptions.watch.failed", metadata: ["error": "\(error)"])
                    }
                }
                do {
                    // Drain everything due, a batch at a time.
                    while !Task.isCancelled {
                        let outcomes = try await store.timers.runDueTimers(owner: owner)
                        if !outcomes.isEmpty { logger.info("docket.timers.ran", metadata: ["docket.outcomes": "\(outcomes.map(\.rawValue))"]) }
                        if outcomes.count < 20 { break }
                    }
                } catch {
                    // The database may be away for a moment: try again next round.
                    logger.warning("docket.timers.failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
