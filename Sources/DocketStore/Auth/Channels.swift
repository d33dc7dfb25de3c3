import DocketCore

extension AuthRepository {
    /// Creates (or rotates) the shared secret a marketplace connector signs its pushes with.
    public func rotateChannelSecret(_ channel: OrderChannel, by actor: Actor) async throws -> String {
        guard channel.isPlatform else { throw DocketError.invalid("channel", "invalidValue", ["allowed": "shop, taobao, jd, pinduoduo"]) }
        let secret = Secret.make()
        let now = clock.now()
        _ = try await engine.write([
            Statement(
                """
                INSERT INTO channel_secrets (channel, secret, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (channel) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at
                """, [channel.rawValue, secret, now], expect: .rows(1)),
            audit("channelSecretRotated", .order, id: Optional<Int64>.none, by: actor, at: now,
                data: try JSONColumn.encode(["channel": channel.rawValue])),
        ])
        return secret
    }

    public func channelSecret(_ channel: OrderChannel) async throws -> String? {
        try await engine.read(Statement("SELECT secret FROM channel_secrets WHERE channel = $1", [channel.rawValue])).first?
            .optionalText("secret")
    }
}
