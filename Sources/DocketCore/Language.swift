/// The UI languages. zh-CN is the default; English is second.
public enum Language: String, Sendable, CaseIterable, Codable, Hashable {
    case zhCN = "zh-CN"
    case en = "en"

    public static let `default` = Language.zhCN

    /// Picks the best language for an `Accept-Language` header, honouring q-values; zh-CN when nothing fits.
    public static func negotiate(acceptLanguage header: String?) -> Language {
        guard let header, !header.isEmpty else { return .default }
        var best: (language: Language, q: Double)?
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";")
            let tag = fields[0].trimmingSpaces().lowercased()
            var q = 1.0
            for parameter in fields.dropFirst() {
                let kv = parameter.trimmingSpaces()
                if kv.hasPrefix("q="), let value = Double(kv.dropFirst(2)) { q = value }
            }
            let language: Language? =
                tag.hasPrefix("zh") ? .zhCN : tag.hasPrefix("en") ? .en : tag == "*" ? .default : nil
            guard let language, q > 0 else { continue }
            // Strict `>`: with equal q-values the earlier entry wins, as the header lists preference.
            if best == nil || q > best!.q { best = (language, q) }
        }
        return best?.language ?? .default
    }
}

/// A user-facing message: a catalogue key plus named arguments, rendered in the reader's language.
public struct Message: Sendable, Hashable, Codable {
    public var key: String
    public var arguments: [String: String]

    public init(_ key: String, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }

    public func text(_ language: Language) -> String { Catalog.text(self, in: language) }
}
