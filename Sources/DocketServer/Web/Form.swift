import Foundation

/// An `application/x-www-form-urlencoded` body: field names may repeat (checkboxes, multi-selects).
struct Form: Sendable {
    var pairs: [(String, String)]

    static func parse(_ text: String) -> Form {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            pairs.append((decode(kv[0]), kv.count > 1 ? decode(kv[1]) : ""))
        }
        return Form(pairs: pairs)
    }

    func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// Trimmed text, nil when empty.
    func text(_ name: String) -> String? {
        guard let value = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func flag(_ name: String) -> Bool { first(name) != nil }
}
