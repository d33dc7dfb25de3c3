import DocketCore
import Hummingbird

/// Per-request state: the routing core plus who is acting. Authentication middleware (a later issue)
/// sets `actor` from the session or API token.
public struct DocketRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var actor: Actor

    public init(source: Source) {
        coreContext = .init(source: source)
        actor = Actor(.api, "anonymous")
    }

    /// Request bodies above this size are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

extension Request {
    /// The reader's language from `Accept-Language`; zh-CN when nothing fits.
    public var language: Language { Language.negotiate(acceptLanguage: headers[.acceptLanguage]) }
}
