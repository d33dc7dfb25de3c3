import DocketCore
import DocketStore
import Testing

@Suite("Auth store conformance", .serialized)
struct AuthConformanceTests {
    @Test(arguments: Engine.available)
    func sessionsLiveAndDieByThePolicy(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let user = try await store.auth.addUser(
                User(username: "li.na", displayName: "李娜", roles: [.orderDesk]), password: "correct-password", by: .cli())
            var policy = AuthPolicy()
            policy.idleTimeoutMilliseconds = 10_000
            policy.absoluteTimeoutMilliseconds = 60_000
            policy.touchIntervalMilliseconds = 1_000

            guard case .success(let token, let identity) = try await store.auth.login(
                username: "li.na", password: "correct-password", ip: "10.0.0.1", userAgent: "test", policy: policy)
            else { Issue.record("login failed"); return }
            #expect(identity.user.id == user.id && identity.csrfToken != nil)
            #expect(try await store.auth.identity(sessionToken: token, policy: policy)?.user.id == user.id)
            #expect(try await store.auth.identity(sessionToken: "forged", policy: policy) == nil)

            // activity keeps it alive past the idle timeout, but not past the absolute one
            for _ in 0..<7 {  // 56 s of activity, never 10 s idle
                clock.advance(milliseconds: 8_000)
                #expect(try await store.auth.identity(sessionToken: token, policy: policy) != nil)
            }
            clock.advance(milliseconds: 8_000)  // 64 s: past the absolute limit, though idle only 8 s
            #expect(try await store.auth.identity(sessionToken: token, policy: policy) == nil, "absolute timeout")

            // idle too long
            guard case .success(let second, _) = try await store.auth.login(
                username: "li.na", password: "correct-password", ip: "10.0.0.1", userAgent: nil, policy: policy)
            else { Issue.record("login failed"); return }
            clock.advance(milliseconds: 10_001)
            #expect(try await store.auth.identity(sessionToken: second, policy: policy) == nil, "idle timeout")

            // logout, and deactivation, end sessions
            guard case .success(let third, _) = try await store.auth.login(
                username: "li.na", password: "correct-password", ip: "10.0.0.1", userAgent: nil, policy: policy)
            else { Issue.record("login failed"); return }
            try await store.auth.logout(sessionToken: third, by: Actor(.user, "li.na"))
            #expect(try await store.auth.identity(sessionToken: third, policy: policy) == nil)
            guard case .success(let fourth, _) = try await store.auth.login(
                username: "li.na", password: "correct-password", ip: "10.0.0.1", userAgent: nil, policy: policy)
            else { Issue.record("login failed"); return }
            var inactive = user.user
            inactive.active = false
            _ = try await store.auth.updateUser(user.id, version: user.version, inactive, by: .cli())
            #expect(try await store.auth.identity(sessionToken: fourth, policy: policy) == nil)
            #expect(try await store.auth.login(username: "li.na", password: "correct-password", ip: "10.0.0.1", userAgent: nil, policy: policy).isInvalid)

            let actions = try await store.auditEvents(entity: .user, id: user.id.rawValue, limit: 50).map(\.action)
            #expect(actions.filter { $0 == "login" }.count == 4)
            #expect(actions.contains("logout") && actions.contains("updated") && actions.contains("loginFailed"))
        }
    }

    @Test(arguments: Engine.available)
    func failedLoginsAreThrottledPerAccountAndPerAddress(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            _ = try await store.auth.addUser(User(username: "fin", displayName: "财务", roles: [.finance]), password: "finance-pass-1", by: .cli())
            var policy = AuthPolicy()
            policy.maximumFailuresPerAccount = 3
            policy.maximumFailuresPerAddress = 5
            for _ in 0..<3 {
                #expect(try await store.auth.login(username: "fin", password: "guess", ip: "1.1.1.1", userAgent: nil, policy: policy).isInvalid)
            }
            // the account is locked for the window, even with the right password
            #expect(try await store.auth.login(username: "fin", password: "finance-pass-1", ip: "2.2.2.2", userAgent: nil, policy: policy).isThrottledResult)
            // one address guessing many accounts is stopped too
            for name in ["a", "b"] {
                #expect(try await store.auth.login(username: name, password: "x", ip: "1.1.1.1", userAgent: nil, policy: policy).isInvalid)
            }
            #expect(try await store.auth.login(username: "c", password: "x", ip: "1.1.1.1", userAgent: nil, policy: policy).isThrottledResult)
            // after the window, the right password works again
            clock.advance(milliseconds: policy.throttleWindowMilliseconds + 1)
            guard case .success = try await store.auth.login(username: "fin", password: "finance-pass-1", ip: "1.1.1.1", userAgent: nil, policy: policy)
            else { Issue.record("login after the window should succeed"); return }
        }
    }

    @Test(arguments: Engine.available)
    func apiTokensAreHashedAndRevocable(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let user = try await store.auth.addUser(User(username: "erp", displayName: "ERP", roles: [.sales]), password: "integration-1", by: .cli())
            let (token, info) = try await store.auth.createAPIToken(for: user.id, name: "金蝶对接", by: .cli())
            #expect(try await store.auth.identity(apiToken: token)?.actor == Actor(.api, "erp"))
            // only a hash is stored
            let rows = try await store.engine.read(Statement("SELECT token_hash FROM api_tokens"))
            #expect(try rows[0].text("token_hash") == Secret.hash(token))
            #expect(try rows[0].text("token_hash") != token)
            #expect(try await store.auth.apiTokens(for: user.id).map(\.name) == ["金蝶对接"])
            try await store.auth.revokeAPIToken(info.id, of: user.id, by: .cli())
            #expect(try await store.auth.identity(apiToken: token) == nil)
            await #expect(throws: DocketError.self) { try await store.auth.revokeAPIToken(info.id, of: user.id, by: .cli()) }
            // a new password ends sessions
            guard case .success(let session, _) = try await store.auth.login(username: "erp", password: "integration-1", ip: "x", userAgent: nil)
            else { Issue.record("login failed"); return }
            try await store.auth.setPassword("a-brand-new-password", for: user.id, by: .cli())
            #expect(try await store.auth.identity(sessionToken: session) == nil)
            #expect(try await store.auth.authenticate(username: "erp", password: "a-brand-new-password") != nil)
        }
    }
}

extension LoginResult {
    var isInvalid: Bool { if case .invalidCredentials = self { true } else { false } }
    var isThrottledResult: Bool { if case .throttled = self { true } else { false } }
}
