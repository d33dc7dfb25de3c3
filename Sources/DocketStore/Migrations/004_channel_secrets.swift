extension Migration {
    /// HMAC needs the secret itself, so it is kept as is (unlike passwords and tokens); rotate with `docket channel secret`.
    static let m004ChannelSecrets = Migration(
        4, "per-channel shared secrets",
        shared: ["CREATE TABLE channel_secrets (channel TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at BIGINT NOT NULL)"])
}
