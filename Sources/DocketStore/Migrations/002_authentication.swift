extension Migration {
    static let m002Authentication = Migration(
        2, "sessions, API tokens, login attempts",
        shared: [
            """
            CREATE TABLE sessions (
                id {{id}},
                token_hash TEXT NOT NULL CONSTRAINT sessions_token_key UNIQUE,
                user_id BIGINT NOT NULL REFERENCES users (id),
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT,
                ip TEXT NOT NULL,
                user_agent TEXT
            )
            """,
            "CREATE INDEX sessions_user_idx ON sessions (user_id)",
            """
            CREATE TABLE api_tokens (
                id {{id}},
                token_hash TEXT NOT NULL CONSTRAINT api_tokens_token_key UNIQUE,
                user_id BIGINT NOT NULL REFERENCES users (id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)",
            """
            CREATE TABLE login_attempts (
                id {{id}},
                occurred_at BIGINT NOT NULL,
                username TEXT NOT NULL,
                ip TEXT NOT NULL,
                succeeded BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX login_attempts_username_idx ON login_attempts (username, occurred_at)",
            "CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, occurred_at)",
        ])
}
