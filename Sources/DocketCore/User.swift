/// The departments and duties that use Docket (DOMAIN.md, Users).
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case admin
    case orderDesk = "order_desk"
    case sales
    case finance
    case warehouse
    case production
    case purchasing
    case logistics
    case orderManager = "order_manager"
    case customerService = "customer_service"
}

/// A person who signs in. The password itself never leaves the `docket user add` call; only its bcrypt hash is kept.
public struct User: Sendable, Hashable, Codable {
    public var username: String
    public var displayName: String
    public var roles: [Role]
    public var language: Language
    public var active: Bool

    public init(username: String, displayName: String, roles: [Role], language: Language = .zhCN, active: Bool = true) {
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.language = language
        self.active = active
    }

    public static let minimumPasswordLength = 10

    public func validate(password: String?) throws(DocketError) {
        var v = Validator()
        v.code(username.lowercased() == username ? username : "", "username", max: 40)
        v.text(displayName, "displayName", max: 60)
        v.count(roles, "roles", min: 1, max: Role.allCases.count)
        v.unique(roles, "roles") { $0.rawValue }
        if let password, password.count < User.minimumPasswordLength {
            v.add("password", "weakPassword", ["min": String(User.minimumPasswordLength)])
        }
        try v.check()
    }
}
