import Synchronization

/// A clock that moves only when told to: deterministic tests of deadlines, timers and timestamps.
public final class ManualClock: DocketClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = Timestamp(millisecondsSince1970: 1_795_305_600_000)) {  // 2026-11-22T00:00:00Z
        current = Mutex(start)
    }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func advance(milliseconds: Int64) {
        current.withLock { $0 = $0.adding(milliseconds: milliseconds) }
    }

    public func advance(days: Int) { advance(milliseconds: Int64(days) * 86_400_000) }
}
