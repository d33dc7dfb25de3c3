import DocketCore
import Synchronization

/// Master data read on every order — the customer, the products, the warehouses, the carriers, the review rules —
/// remembered by one engine (one node) at the master revision it was read at.
///
/// Every write to master data moves `master_revision` on in its own transaction (`Store.bumpMasterRevision`, in
/// `MasterRepository`, in the demo's and the bench's master-data load, and in every migration after 20). A read snapshot that sees revision R therefore sees exactly
/// the master rows any other snapshot at R saw, and `Store.snapshot` may answer its master parts with the rows
/// remembered at R instead of reading them again: the decision is the same as with a fresh read, on every node.
public final class MasterSnapshots: Sendable {
    private struct State {
        var revision: Int64 = -1
        var rows: [String: [SQLRow]] = [:]
    }
    private let state = Mutex(State())
    /// At most this many keys (a product or a customer each) are remembered; past it they are read again.
    static let limit = 100_000

    public init() {}

    /// The revision the remembered rows are at (-1: none yet).
    var revision: Int64 { state.withLock { $0.revision } }

    func rows(_ key: String, at revision: Int64) -> [SQLRow]? {
        state.withLock { $0.revision == revision ? $0.rows[key] : nil }
    }

    /// Keeps rows read in a snapshot at `revision`; rows of an older revision are dropped, rows of a newer one kept.
    func remember(_ entries: [(key: String, rows: [SQLRow])], at revision: Int64) {
        state.withLock { state in
            if revision > state.revision {
                state = State(revision: revision, rows: [:])
            }
            guard revision == state.revision else { return }
            if state.rows.count + entries.count > Self.limit { state.rows.removeAll(keepingCapacity: true) }
            for entry in entries { state.rows[entry.key] = entry.rows }
        }
    }

    /// Forgets everything (the schema changed under the remembered rows).
    func forget() {
        state.withLock { $0 = State() }
    }
}

/// One part of a read snapshot (`Store.snapshot`): a statement read every time, or master data that may be answered
/// from `MasterSnapshots`.
enum SnapshotPart {
    /// Read every time.
    case live(Statement)
    /// Master rows that `key` names (e.g. `customer:C001`, `carriers`), read by the statement when not remembered.
    case master(String, Statement)
    /// The products of these SKUs, every column (`Store.products(skus:)`), each remembered on its own.
    case products([String])
}

extension Store {
    static let masterRevisionSQL = Statement("SELECT revision FROM master_revision WHERE id = 1", [])

    /// Moves the master revision on: part of every write that changes master data.
    static let bumpMasterRevision = Statement(
        "UPDATE master_revision SET revision = revision + 1 WHERE id = 1", [], expect: .rows(1), label: "master_revision")

    /// Reads `parts` in one snapshot and answers each part's rows, in order. Master parts remembered at the revision
    /// this snapshot sees are not read; if the snapshot sees another revision than the one assumed, the remembered
    /// rows are not used and the snapshot is read again with every part.
    func snapshot(_ parts: [SnapshotPart]) async throws -> [[SQLRow]] {
        let cache = engine.masterSnapshots
        for attempt in 0..<3 {
            let assumed = attempt == 0 ? cache.revision : -1  // a retry reads everything
            var statements = [Self.masterRevisionSQL]
            enum Source {
                case read(Int)
                case cached([SQLRow])
                case products(cached: [SQLRow], read: Int?, missing: [String])
            }
            var sources: [Source] = []
            var usedCache = false
            for part in parts {
                switch part {
                case .live(let statement):
                    sources.append(.read(statements.count))
                    statements.append(statement)
                case .master(let key, let statement):
                    if let rows = cache.rows(key, at: assumed) {
                        sources.append(.cached(rows))
                        usedCache = true
                    } else {
                        sources.append(.read(statements.count))
                        statements.append(statement)
                    }
                case .products(let skus):
                    var cached: [SQLRow] = []
                    var missing: [String] = []
                    for sku in Set(skus) {
                        if let rows = cache.rows("product:" + sku, at: assumed) {
                            cached += rows
                            usedCache = true
                        } else {
                            missing.append(sku)
                        }
                    }
                    if missing.isEmpty {
                        sources.append(.products(cached: cached, read: nil, missing: []))
                    } else {
                        sources.append(.products(cached: cached, read: statements.count, missing: missing))
                        statements.append(Self.products(skus: missing))
                    }
                }
            }
            let results = try await engine.read(statements)
            guard let revision = results[0].first?.optionalInt("revision") else {
                throw StoreError.decoding(column: "master_revision")
            }
            if usedCache && revision != assumed { continue }
            var fresh: [(key: String, rows: [SQLRow])] = []
            var answer: [[SQLRow]] = []
            answer.reserveCapacity(parts.count)
            for (part, source) in zip(parts, sources) {
                switch source {
                case .cached(let rows):
                    answer.append(rows)
                case .read(let index):
                    if case .master(let key, _) = part { fresh.append((key, results[index])) }
                    answer.append(results[index])
                case .products(let cached, let index, let missing):
                    guard let index else {
                        answer.append(cached)
                        continue
                    }
                    var bySKU: [String: [SQLRow]] = Dictionary(uniqueKeysWithValues: missing.map { ($0, []) })
                    for row in results[index] { bySKU[try row.text("sku"), default: []].append(row) }
                    fresh += bySKU.map { ("product:" + $0.key, $0.value) }
                    answer.append(cached + results[index])
                }
            }
            if !fresh.isEmpty { cache.remember(fresh, at: revision) }
            return answer
        }
        throw DocketError.conflict(.order, key: "master data")
    }
}
