import DocketCore
import Logging

/// One repository per aggregate, each a narrow view of the store: a handler or use case takes the one it needs.
/// They share the store's engine, clock, logger and policy; the SQL helpers they share (`Store.audit`, the
/// leased claim, the order row's decoding, usable stock) are statics on `Store`. See ARCHITECTURE.md.
public protocol Repository: Sendable {
    var store: Store { get }
}

extension Repository {
    var engine: any StoreEngine { store.engine }
    var clock: any DocketClock { store.clock }
    var logger: Logger { store.logger }
    var policy: OrderPolicy { store.policy }
    var dialect: SQLDialect { store.dialect }

    func audit(
        _ action: String, _ entity: EntityKind, id: any SQLBindable, by actor: Actor, at time: Timestamp, data: String = "{}"
    ) -> Statement {
        store.audit(action, entity, id: id, by: actor, at: time, data: data)
    }
}

/// Orders from intake to confirmation: submitting, reading and listing, transitions, reviews, confirmation,
/// changes, imports and the dashboard's figures. The effects Core decides are applied here.
public struct OrderRepository: Repository {
    public let store: Store
}

/// Stock by lot and location, receipts and the ledger, warehouses' locations.
public struct StockRepository: Repository {
    public let store: Store
}

/// Durable timers: claimed with a lease by every node's worker, fired through the order workflow.
public struct TimerRepository: Repository {
    public let store: Store
}

/// Messages to customers and other systems, written with the change that causes them and relayed later.
public struct OutboxRepository: Repository {
    public let store: Store
}

/// Users, sessions, API tokens, sign-in throttling and channel secrets.
public struct AuthRepository: Repository {
    public let store: Store
}

extension Store {
    public var orders: OrderRepository { OrderRepository(store: self) }
    public var stock: StockRepository { StockRepository(store: self) }
    public var timers: TimerRepository { TimerRepository(store: self) }
    public var outbox: OutboxRepository { OutboxRepository(store: self) }
    public var auth: AuthRepository { AuthRepository(store: self) }
}
