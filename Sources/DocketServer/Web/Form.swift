import DocketCore
import Foundation
import Hummingbird

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

    /// Reads a form body of at most `limit` bytes (a larger one is a 413) and refuses control characters other than
    /// tab and line breaks in any field (a 422 naming the field): nothing a person types, and PostgreSQL stores no NUL.
    static func read(_ request: Request, limit: Int) async throws -> Form {
        let form = parse(String(buffer: try await request.body.collect(upTo: limit)))
        try form.refuseControlCharacters()
        return form
    }

    func refuseControlCharacters() throws(DocketError) {
        var v = Validator()
        for (name, value) in pairs where Validator.hasControlCharacters(name, multiline: true) || Validator.hasControlCharacters(value, multiline: true) {
            v.add(Validator.hasControlCharacters(name, multiline: true) ? "" : name, "controlCharacters")
        }
        try v.check()
    }

    func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// Trimmed text, nil when empty.
    func text(_ name: String) -> String? {
        guard let value = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func flag(_ name: String) -> Bool { first(name) != nil }

    /// The row index of an input named `<prefix>[<index>].<column>`; nil for other inputs. Indices past 999 are
    /// not rows (a form holds at most a few hundred).
    static func rowIndex(_ name: String, prefix: String) -> Int? {
        guard name.hasPrefix(prefix + "["), let close = name.firstIndex(of: "]"),
            name[name.index(after: close)...].hasPrefix(".")
        else { return nil }
        guard let index = Int(name[name.index(name.startIndex, offsetBy: prefix.count + 1)..<close]), (0...999).contains(index)
        else { return nil }
        return index
    }

    /// The rows of a grid in the order of their indices, each with its trimmed cells; a row whose `blankUnless`
    /// cells are all empty is left out (a checked box alone does not make a row).
    func rows(_ prefix: String, columns: [String], blankUnless: [String]) -> [(index: Int, cells: [String: String])] {
        let indices = Set(pairs.compactMap { Self.rowIndex($0.0, prefix: prefix) }).sorted()
        return indices.compactMap { index in
            var cells: [String: String] = [:]
            for column in columns { if let value = text("\(prefix)[\(index)].\(column)") { cells[column] = value } }
            return blankUnless.contains(where: { cells[$0] != nil }) ? (index, cells) : nil
        }
    }
}
