import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where e-mail goes out: an SMTP server, how the connection is secured, who signs in and who the mail is from.
/// Written as one URL in the configuration (`--smtp` / `DOCKET_SMTP`):
/// `smtp://user:password@mail.example.com:587?from=orders@example.com&name=某某公司` — STARTTLS when the server offers
/// it; `starttls=required` refuses a server that does not, `starttls=off` never asks; `smtps://…:465` is TLS from the
/// first byte. Port defaults: 25 (smtp), 465 (smtps).
public struct SMTPSettings: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable { case none, startTLSIfOffered, startTLS, tls }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var from: String
    public var fromName: String?
    /// Seconds for the whole conversation of one message.
    public var timeoutSeconds: Int = 30
    /// Trust roots for TLS: the system's, or a PEM file (a company's own CA, the tests' self-signed server).
    public var caFile: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String, fromName: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.fromName = fromName
    }

    /// Reads the URL form, or says in words why it is not one.
    public static func parse(_ text: String) -> Result<SMTPSettings, SettingProblem> {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return .failure(SettingProblem("expected smtp://[user:password@]host[:port]?from=address or smtps://…")) }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let from = query["from"], from.contains("@"), !from.contains(where: { $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" }) else {
            return .failure(SettingProblem("from= must name the sender's address"))
        }
        var security: Security = scheme == "smtps" ? .tls : .startTLSIfOffered
        switch query["starttls"]?.lowercased() {
        case nil, "", "auto": break
        case "required": if scheme == "smtp" { security = .startTLS }
        case "off", "none": if scheme == "smtp" { security = .none }
        default: return .failure(SettingProblem("starttls= takes required, auto or off"))
        }
        let port = url.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65_535).contains(port) else { return .failure(SettingProblem("port out of range")) }
        var settings = SMTPSettings(
            host: host, port: port, security: security, username: url.user?.removingPercentEncoding,
            password: url.password?.removingPercentEncoding, from: from, fromName: query["name"].flatMap { $0.isEmpty ? nil : $0 })
        if let timeout = query["timeout"] {
            guard let seconds = Int(timeout), (1...600).contains(seconds) else { return .failure(SettingProblem("timeout= takes 1–600 seconds")) }
            settings.timeoutSeconds = seconds
        }
        settings.caFile = query["ca"].flatMap { $0.isEmpty ? nil : $0 }
        return .success(settings)
    }
}

/// Why a setting's text could not be read, in words (start-up names the setting before it).
public struct SettingProblem: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) { self.description = description }
}

public enum SMTPError: Error, CustomStringConvertible, Sendable {
    /// The server answered with a code that stops this message: `permanent` for 5xx (the relay gives up at once).
    case rejected(stage: String, code: Int, text: String)
    case startTLSUnavailable
    case connectionClosed
    case timedOut
    case malformedReply(String)

    public var description: String {
        switch self {
        case .rejected(let stage, let code, let text): "SMTP \(stage): \(code) \(text)"
        case .startTLSUnavailable: "SMTP: the server does not offer STARTTLS, which the settings require"
        case .connectionClosed: "SMTP: the server closed the connection"
        case .timedOut: "SMTP: timed out"
        case .malformedReply(let line): "SMTP: unreadable reply \(line.prefix(80))"
        }
    }

    /// A 5xx answer: sending the same message again will not help.
    public var isPermanent: Bool {
        if case .rejected(_, let code, _) = self { return code >= 500 }
        return false
    }
}

/// A minimal SMTP client (RFC 5321) over SwiftNIO: EHLO, STARTTLS (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954),
/// one message per connection. No SMTP package is available to us; this is the part of the protocol a relay needs.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    let group: any EventLoopGroup

    public init(settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.group = group
    }

    /// Sends `message` (a whole RFC 5322 message, CRLF line ends) to `recipient`. Throws `SMTPError`.
    public func send(to recipient: String, message: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await self.converse(recipient: recipient, message: message) }
            tasks.addTask {
                try await Task.sleep(for: .seconds(settings.timeoutSeconds))
                throw SMTPError.timedOut
            }
            defer { tasks.cancelAll() }
            try await tasks.next()
        }
    }

    func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func tlsHandler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: host.first?.isNumber == true ? nil : host)
    }

    func converse(recipient: String, message: String) async throws {
        guard !recipient.contains(where: { $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" }) else {
            throw SMTPError.rejected(stage: "RCPT TO", code: 501, text: "unusable address")
        }
        let implicitTLS = settings.security == .tls ? try tlsContext() : nil
        let host = settings.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(min(settings.timeoutSeconds, 30))))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS { try channel.pipeline.syncOperations.addHandler(try Self.tlsHandler(implicitTLS, host: host)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = channel.channel
        try await channel.executeThenClose { inbound, outbound in
            var session = Session(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220, stage: "greeting")
            let hello = "EHLO \(Self.heloName)"
            var capabilities = try await session.command(hello, expect: 250, stage: "EHLO")
            if settings.security == .startTLS || settings.security == .startTLSIfOffered {
                if capabilities.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                    try await session.command("STARTTLS", expect: 220, stage: "STARTTLS")
                    let context = try tlsContext()
                    try await raw.eventLoop.submit { try raw.pipeline.syncOperations.addHandler(try Self.tlsHandler(context, host: host), position: .first) }.get()
                    capabilities = try await session.command(hello, expect: 250, stage: "EHLO")
                } else if settings.security == .startTLS {
                    throw SMTPError.startTLSUnavailable
                }
            }
            if let username = settings.username {
                let password = settings.password ?? ""
                let auth = capabilities.lines.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
                if auth.contains("PLAIN") || !auth.contains("LOGIN") {
                    let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                    try await session.command("AUTH PLAIN \(token)", expect: 235, stage: "AUTH")
                } else {
                    try await session.command("AUTH LOGIN", expect: 334, stage: "AUTH")
                    try await session.command(Data(username.utf8).base64EncodedString(), expect: 334, stage: "AUTH")
                    try await session.command(Data(password.utf8).base64EncodedString(), expect: 235, stage: "AUTH")
                }
            }
            try await session.command("MAIL FROM:<\(settings.from)>", expect: 250, stage: "MAIL FROM")
            try await session.command("RCPT TO:<\(recipient)>", expect: 250, also: 251, stage: "RCPT TO")
            try await session.command("DATA", expect: 354, stage: "DATA")
            try await session.command(Self.dotStuffed(message) + "\r\n.", expect: 250, stage: "message")
            _ = try? await session.command("QUIT", expect: 221, stage: "QUIT")
        }
    }

    static var heloName: String {
        let host = ProcessInfo.processInfo.hostName
        return host.isEmpty || host.contains(" ") ? "docket.localdomain" : host
    }

    /// A line starting with a dot gets a second one (RFC 5321 §4.5.2), so no line ends the message early.
    static func dotStuffed(_ message: String) -> String {
        message.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    struct Reply {
        var code: Int
        var lines: [String]
    }

    struct Session {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var pending: [UInt8] = []

        mutating func line() async throws -> String {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var bytes = Array(pending[..<end])
                    pending.removeSubrange(...end)
                    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                    return String(decoding: bytes, as: UTF8.self)
                }
                guard pending.count < 65_536, let buffer = try await inbound.next() else { throw SMTPError.connectionClosed }
                pending += buffer.readableBytesView
            }
        }

        /// One reply, its continuation lines (`250-…`) included.
        mutating func reply() async throws -> Reply {
            var lines: [String] = []
            while true {
                let line = try await self.line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.malformedReply(line) }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return Reply(code: code, lines: lines) }
                guard lines.count < 200 else { throw SMTPError.malformedReply(line) }
            }
        }

        @discardableResult
        mutating func expect(_ code: Int, also other: Int? = nil, stage: String) async throws -> Reply {
            let reply = try await self.reply()
            guard reply.code == code || reply.code == other else {
                throw SMTPError.rejected(stage: stage, code: reply.code, text: reply.lines.joined(separator: " "))
            }
            return reply
        }

        @discardableResult
        mutating func command(_ text: String, expect code: Int, also other: Int? = nil, stage: String) async throws -> Reply {
            try await outbound.write(ByteBuffer(string: text + "\r\n"))
            return try await expect(code, also: other, stage: stage)
        }
    }
}

/// An e-mail as SMTP carries it: UTF-8 headers in RFC 2047 words, the text base64-encoded (so no line is too long
/// and none starts with a dot), and the outbox message's id in `X-Docket-Message` and the Message-ID, which is what
/// a receiver deduplicates by.
public enum MailMessage {
    public static func compose(
        from: String, fromName: String?, to: String, subject: String, text: String, messageID: String, outboxID: Int64, date: Date
    ) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let sender = fromName.map { "\(encodedWord($0)) <\(from)>" } ?? "<\(from)>"
        let body = Data(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(sender)",
            "To: <\(to)>",
            "Subject: \(encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>",
            "X-Docket-Message: \(outboxID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            body,
        ].joined(separator: "\r\n")
    }

    /// `=?UTF-8?B?…?=` when the text is not plain ASCII; long text split into several words.
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }
}
