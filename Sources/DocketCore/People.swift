/// Names for the actors records keep (`user:li.na`, `customer:C0002`, `system:rule:A-SMALL`, `api:channel:taobao` …)
/// and for customers, so pages show people by name: 李娜（跟单）, 恒通贸易（C0002）, 规则「A 类客户初审」.
public struct People: Sendable, Hashable {
    /// Username → display name.
    public var users: [String: String]
    /// Customer code → name.
    public var customers: [String: String]
    /// Review rule code → name.
    public var rules: [String: String]

    public init(users: [String: String] = [:], customers: [String: String] = [:], rules: [String: String] = [:]) {
        self.users = users
        self.customers = customers
        self.rules = rules
    }

    /// 恒通贸易（C0002）; the code alone when the customer is not known.
    public func customer(_ code: String, name: String? = nil, in language: Language) -> String {
        Self.customer(code, name: name ?? customers[code], in: language)
    }

    /// A customer whose name is already at hand (an order carries it).
    public static func customer(_ code: String, name: String?, in language: Language) -> String {
        guard let name, !name.isEmpty else { return code }
        return Message("ui.people.customer", ["name": name, "code": code]).text(language)
    }

    /// A warehouse (or other place) by its name with its code, as a customer is: 上海仓（SH）.
    public static func place(_ name: String, code: String, in language: Language) -> String {
        customer(code, name: name, in: language)
    }

    /// The person (or rule, channel, timer) behind a stored actor, in the user's language.
    public func name(of stored: String, in language: Language) -> String {
        guard let actor = Actor(stored: stored) else { return stored }
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        switch actor.kind {
        case .user:
            return users[actor.name] ?? actor.name
        case .api:
            if actor.name.hasPrefix("channel:") {
                let channel = String(actor.name.dropFirst("channel:".count))
                return text("ui.people.channel", ["channel": text("ui.channel.\(channel)")])
            }
            return text("ui.people.api", ["name": users[actor.name] ?? actor.name])
        case .cli:
            return text("ui.people.cli")
        case .customer:
            return text("ui.people.customerActor", ["customer": customer(actor.name, in: language)])
        case .system:
            if actor.name.hasPrefix("rule:") {
                let code = String(actor.name.dropFirst("rule:".count))
                return text("ui.people.rule", ["rule": rules[code] ?? code])
            }
            return text(actor.name == "timer" ? "ui.people.timer" : "ui.people.system")
        }
    }

    /// The usernames, customer codes and rule codes named by stored actors, to read their names in one go.
    public static func wanted(_ actors: [String]) -> (users: Set<String>, customers: Set<String>, rules: Set<String>) {
        var wanted: (users: Set<String>, customers: Set<String>, rules: Set<String>) = ([], [], [])
        for stored in actors {
            guard let actor = Actor(stored: stored) else { continue }
            switch actor.kind {
            case .user, .api: wanted.users.insert(actor.name)
            case .customer: wanted.customers.insert(actor.name)
            case .system where actor.name.hasPrefix("rule:"): wanted.rules.insert(String(actor.name.dropFirst(5)))
            default: break
            }
        }
        return wanted
    }
}
