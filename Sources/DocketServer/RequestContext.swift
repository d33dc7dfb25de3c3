import DocketCore
import DocketStore
import Hummingbird
import NIOCore

/// Per-request state: the routing core, who is asking (set by the security middleware) and in which language.
public struct DocketRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public var language: Language = .default
    /// The client's address, for login throttling and the audit log (from `X-Forwarded-For` behind a trusted proxy).
    public var remoteAddress: String
    /// `https` when Docket is reached over TLS (`--secure-cookies`, or a trusted proxy's `X-Forwarded-Proto`):
    /// what a same-site `Origin` must start with.
    public var scheme = "http"

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Who acts in audit events: the signed-in user or the token's owner.
    public var actor: Actor { identity?.actor ?? Actor(.api, "anonymous") }

    /// Request bodies above this size are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

extension Request {
    /// The language asked for by `Accept-Language`; zh-CN when nothing fits.
    public var acceptedLanguage: Language { Language.negotiate(acceptLanguage: headers[.acceptLanguage]) }

    /// API requests get problem JSON; everything else is a page.
    var wantsJSON: Bool { uri.path.hasPrefix("/api/") || uri.path == "/metrics" || uri.path == "/health" }
}
