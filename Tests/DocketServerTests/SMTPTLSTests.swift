import DocketCore
import DocketServer
import Foundation
import NIOSSL
import Testing

/// The SMTP client over TLS against a real TLS mail server on loopback (the test sink with a self-signed
/// certificate for 127.0.0.1, trusted through `ca=`): STARTTLS when offered and when required, TLS from the first byte
/// (smtps), and refusals — a server that does not offer STARTTLS when it is required, and a certificate nobody
/// trusts.
@Suite("SMTP over TLS", .serialized)
struct SMTPTLSTests {
    /// A self-signed certificate for 127.0.0.1 and localhost, valid until 2126 (made with openssl for these tests).
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBuTCCAV+gAwIBAgIUdsFXzhjuWCJFMXHw0DldHrFBo7kwCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQRG9ja2V0IHRlc3QgU01UUDAgFw0yNjExMjQwOTI3MTZaGA8y
        MTI2MTAzMTA5MjcxNlowGzEZMBcGA1UEAwwQRG9ja2V0IHRlc3QgU01UUDBZMBMG
        ByqGSM49AgEGCCqGSM49AwEHA0IABK/EkbqkxwEzfr4mI1V3LEVe9CRRyLUP3ltQ
        Rws446U8QhDLV5H3/FNU6vgE8oh7EO6hjp6n6ABMiQenNcnfqJCjfzB9MB0GA1Ud
        DgQWBBTumD4cWwJC+T5wBkXKZHolggDR/DAfBgNVHSMEGDAWgBTumD4cWwJC+T5w
        BkXKZHolggDR/DAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/
        BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwCgYIKoZIzj0EAwIDSAAwRQIhANqilVyu
        HAvJdGMQrgNKm3EDb8tm4uqOQCG28HfT4GJZAiBzqhXZlIJv4P00PY0yfI+TGnlm
        KM2ZiM5MQEZ+vpNowg==
        -----END CERTIFICATE-----
        """
    static let key = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmi6Nu7RiS6RN3mTB
        squwet7taE5PHPVX4DBDpYJftgahRANCAASvxJG6pMcBM36+JiNVdyxFXvQkUci1
        D95bUEcLOOOlPEIQy1eR9/xTVOr4BPKIexDuoY6ep+gATIkHpzXJ36iQ
        -----END PRIVATE KEY-----
        """

    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(Self.certificate.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(Self.key.utf8), format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// The certificate as a CA file the client trusts (`ca=` in `--smtp`).
    func caFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-smtp-ca-\(UUID().uuidString).pem").path
        try Self.certificate.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func settings(_ url: String) throws -> SMTPSettings {
        switch SMTPSettings.parse(url) {
        case .success(let settings): return settings
        case .failure(let problem): throw problem
        }
    }

    let message = MailMessage.compose(
        from: "orders@docket.test", fromName: "多克特贸易", to: "buyer@example.cn", subject: "订单 SO-1 已发货", text: "您好：已发货。",
        messageID: "<42@docket.test>", outboxID: 42, date: Date(timeIntervalSince1970: 1_795_305_600))

    @Test func startTLSWhenOfferedAndWhenRequired() async throws {
        let sink = try await SMTPSink.start(tls: .startTLS(try serverContext()))
        let ca = try caFile()
        defer { try? FileManager.default.removeItem(atPath: ca) }
        for mode in ["auto", "required"] {
            let client = SMTPClient(settings: try settings("smtp://relay:pw@127.0.0.1:\(sink.port)?from=orders@docket.test&starttls=\(mode)&ca=\(ca)"))
            try await client.send(to: "buyer@example.cn", message: message)
        }
        let mails = sink.received
        #expect(mails.count == 2 && mails.allSatisfy { $0.secure && $0.auth == "\u{0}relay\u{0}pw" }, "both over TLS, authenticated after it")
        #expect(mails.first?.header("X-Docket-Message") == "42")
        await sink.stop()
    }

    @Test func tlsFromTheFirstByte() async throws {
        let sink = try await SMTPSink.start(tls: .implicit(try serverContext()))
        let ca = try caFile()
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let client = SMTPClient(settings: try settings("smtps://127.0.0.1:\(sink.port)?from=orders@docket.test&ca=\(ca)"))
        try await client.send(to: "buyer@example.cn", message: message)
        #expect(sink.received.count == 1 && sink.received[0].secure && sink.received[0].text.contains("已发货"))
        await sink.stop()
    }

    @Test func refusedWithoutTLSWhenRequiredAndWithAnUntrustedCertificate() async throws {
        let plain = try await SMTPSink.start()
        let required = SMTPClient(settings: try settings("smtp://127.0.0.1:\(plain.port)?from=orders@docket.test&starttls=required"))
        await #expect(throws: SMTPError.self) { try await required.send(to: "buyer@example.cn", message: message) }
        #expect(plain.received.isEmpty, "nothing goes in the clear when TLS is required")
        await plain.stop()

        let tls = try await SMTPSink.start(tls: .implicit(try serverContext()))
        let untrusting = SMTPClient(settings: try settings("smtps://127.0.0.1:\(tls.port)?from=orders@docket.test&timeout=5"))
        await #expect(throws: (any Error).self) { try await untrusting.send(to: "buyer@example.cn", message: message) }
        #expect(tls.received.isEmpty, "a certificate nobody trusts is refused")
        await tls.stop()
    }
}
