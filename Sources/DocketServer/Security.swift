import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Why a request was refused before its handler ran.
enum AccessError: Error {
    /// Not signed in (or a bad API token): 401 for the API, the login page for the UI.
    case unauthenticated
    /// Signed in, but no role that the route allows: 403.
    case forbidden
    /// A state-changing browser request without the session's CSRF token, or from another origin: 403.
    case csrf
    /// Too many failed logins: 429.
    case throttled
}

public let sessionCookieName = "docket_session"
let languageCookieName = "docket_lang"

/// Settings of the security layer.
public struct SecuritySettings: Sendable {
    public var policy = AuthPolicy()
    /// Mark cookies `Secure` (serve behind TLS).
    public var secureCookies = false
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    public var trustProxy = false
    public init(secureCookies: Bool = false, trustProxy: Bool = false) {
        self.secureCookies = secureCookies
        self.trustProxy = trustProxy
    }
}

/// The one middleware in front of every route: it works out who is asking (API token or session cookie) and
/// in which language, then maps every error to a response — problem JSON under `/api`, an HTML page for the
/// UI, the real status kept, and a bare 500 for anything unexpected.
struct DocketMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let store: Store
    let settings: SecuritySettings
    let views: Views
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.language = request.acceptedLanguage
        if settings.trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            // The proxy appends the address it saw: the last entry is the one a client cannot forge.
            let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !last.isEmpty { context.remoteAddress = String(last.prefix(64)) }
        }
        context.scheme = settings.secureCookies ? "https" : "http"
        if settings.trustProxy, let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased(), proto == "https" || proto == "http" {
            context.scheme = proto
        }
        do {
            if let authorization = request.headers[.authorization] {
                // API tokens are for integrations: the API and Prometheus' scrape, never the back office pages.
                guard authorization.hasPrefix("Bearer "), request.wantsJSON,
                    let identity = try await store.auth.identity(apiToken: String(authorization.dropFirst(7)), policy: settings.policy)
                else { throw AccessError.unauthenticated }
                context.identity = identity
            } else if let token = request.cookies[sessionCookieName]?.value {
                context.identity = try await store.auth.identity(sessionToken: token, policy: settings.policy)
            }
            // Query parameters and path segments with control characters name nothing Docket keeps.
            if request.uri.path.removingPercentEncoding.map({ Validator.hasControlCharacters($0, multiline: false) }) ?? true {
                throw HTTPError(.notFound)
            }
            var refused = Validator()
            for (name, value) in request.uri.queryParameters where Validator.hasControlCharacters(String(value), multiline: true) {
                refused.add(String(name), "controlCharacters")
            }
            try refused.check()
            if let identity = context.identity, request.headers[.acceptLanguage] == nil || !request.wantsJSON {
                context.language = identity.user.user.language
            } else if !request.wantsJSON, let chosen = request.cookies[languageCookieName].flatMap({ Language(rawValue: $0.value) }) {
                context.language = chosen
            }
            // A page for someone not signed in (signing in, a customer's confirmation or tracking page) is asked for in a
            // language by `?lang=`, as their language links do.
            if context.identity == nil, !request.wantsJSON, let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) {
                context.language = chosen
            }
            return try await next(request, context)
        } catch {
            return respond(to: error, request: request, context: context)
        }
    }

    func respond(to error: any Error, request: Request, context: Context) -> Response {
        let language = context.language
        if !request.wantsJSON {
            switch error {
            case AccessError.unauthenticated:
                let next = request.uri.path == Route.home.path ? "" : "?next=" + (request.uri.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                return Response(status: .seeOther, headers: [.location: Route.login.path + next])
            default:
                break
            }
        }
        let (status, problem) = problemFor(error, path: request.uri.path, language: language)
        if status == .internalServerError {
            logger.error(
                "docket.http.unhandled",
                metadata: ["docket.path": "\(request.uri.path)", "docket.error": "\(String(reflecting: error))"])
        }
        if request.wantsJSON {
            var headers: HTTPFields = [.contentType: "application/problem+json", .contentLanguage: language.rawValue]
            if status == .serviceUnavailable { headers[.retryAfter] = "5" }
            if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
            return (try? JSON.response(problem, status: status, headers: headers))
                ?? Response(status: .internalServerError)
        }
        return views.errorPage(problem, status: status, context: context)
    }
}

/// Maps an error to its status and problem document. The one place errors become HTTP.
func problemFor(_ error: any Error, path: String, language: Language) -> (HTTPResponse.Status, Problem) {
    func make(_ status: HTTPResponse.Status, _ type: String, _ title: String, _ detail: Message?, _ errors: [FieldProblem]? = nil)
        -> (HTTPResponse.Status, Problem)
    {
        (
            status,
            Problem(
                type: "/problems/\(type)", title: Message(title).text(language), status: status.code,
                detail: detail?.text(language),
                errors: errors?.map { Problem.FieldError(field: $0.field, code: $0.code, message: $0.message.text(language)) })
        )
    }
    func entity(_ kind: EntityKind) -> String { kind.message.text(language) }
    switch error {
    case let error as DocketError:
        switch error {
        case .invalid(let problems):
            return make(
                .unprocessableContent, "validation", "error.validation.title",
                Message("error.validation.detail", ["count": String(problems.count)]), problems)
        case .notFound(let kind, let key):
            return make(.notFound, "not-found", "error.notFound.title", Message("error.notFound.detail", ["entity": entity(kind), "key": key]))
        case .duplicate(let kind, let field, let value):
            return make(
                .conflict, "duplicate", "error.duplicate.title",
                Message("error.duplicate.detail", ["entity": entity(kind), "field": Message("field.\(field)").text(language), "value": value]),
                [FieldProblem(field, "duplicate", ["value": value])])
        case .versionConflict(let kind, let key, let current):
            return make(
                .conflict, "version-conflict", "error.versionConflict.title",
                Message("error.versionConflict.detail", ["entity": entity(kind), "key": key, "current": String(current)]))
        case .archived(let kind, let key):
            return make(.conflict, "archived", "error.archived.title", Message("error.archived.detail", ["entity": entity(kind), "key": key]))
        case .illegalTransition(let number, let from, let action):
            return make(
                .conflict, "illegal-transition", "error.illegalTransition.title",
                Message("error.illegalTransition.detail", [
                    "number": number, "from": Message("order.status.\(from.rawValue)").text(language),
                    "action": Message("order.action.\(action.rawValue)").text(language),
                ]))
        case .concurrentRequest(let key):
            return make(.conflict, "concurrent-request", "error.concurrentRequest.title", Message("error.concurrentRequest.detail", ["key": key]))
        case .staleStage(let number, let stage, let now):
            return make(
                .conflict, "stale-stage", "error.staleStage.title",
                Message("error.staleStage.detail", [
                    "number": number, "stage": Message("review.stage.\(stage.rawValue)").text(language),
                    "now": Message("order.status.\(now.rawValue)").text(language),
                ]))
        case .conflict(let kind, let key, let because):
            return make(
                .conflict, "conflict", "error.conflict.title", Message("error.conflict.\(because)", ["entity": entity(kind), "key": key]))
        }
    case AccessError.unauthenticated:
        return make(.unauthorized, "unauthenticated", "error.unauthenticated.title", Message("error.unauthenticated.detail"))
    case AccessError.forbidden:
        return make(.forbidden, "forbidden", "error.forbidden.title", Message("error.forbidden.detail"))
    case AccessError.csrf:
        return make(.forbidden, "csrf", "error.csrf.title", Message("error.csrf.detail"))
    case AccessError.throttled:
        return make(.tooManyRequests, "throttled", "error.throttled.title", Message("error.throttled.detail"))
    case let error as MalformedBody:
        return make(.badRequest, "malformed", "error.malformed.title", Message("error.malformed.detail"), error.problems)
    case StoreError.unavailable:
        return make(.serviceUnavailable, "unavailable", "error.unavailable.title", Message("error.unavailable.detail"))
    // A guard or a constraint refused a write the handler did not expect to lose: someone else changed the same
    // thing at the same moment. Nothing was written; the person tries again on what is there now.
    case StoreError.guardFailed, StoreError.uniqueViolation, StoreError.checkViolation, StoreError.foreignKeyViolation:
        return make(.conflict, "conflict", "error.conflict.title", Message("error.raceLost.detail"))
    case StoreError.invalidText:
        return make(
            .unprocessableContent, "validation", "error.validation.title", Message("error.validation.detail", ["count": "1"]),
            [FieldProblem("", "controlCharacters")])
    case is NIOTooManyBytesError:
        return make(.contentTooLarge, "too-large", "error.payloadTooLarge.title", Message("error.payloadTooLarge.detail"))
    case let error as HTTPError where error.status == .notFound:
        return make(.notFound, "route-not-found", "error.routeNotFound.title", Message("error.routeNotFound.detail", ["path": path]))
    case let error as HTTPError where error.status == .contentTooLarge:
        return make(.contentTooLarge, "too-large", "error.payloadTooLarge.title", Message("error.payloadTooLarge.detail"))
    case let error as HTTPError where error.status == .methodNotAllowed:
        return make(.methodNotAllowed, "method-not-allowed", "error.methodNotAllowed.title", nil)
    case let error as HTTPError where error.status.code < 500:
        return make(error.status, "http-\(error.status.code)", "error.malformed.title", nil)
    default:
        return make(.internalServerError, "internal", "error.internal.title", Message("error.internal.detail"))
    }
}

/// A registered route and the access it declares, for the route × role matrix.
public struct RoutePermission: Sendable, Hashable {
    public var method: HTTPRequest.Method
    public var path: String
    public var access: Access
}

/// Registers routes only together with their access policy, and checks it (plus CSRF) before every handler.
final class SecureRoutes {
    let router: Router<DocketRequestContext>
    let store: Store
    private let table: Mutex<[RoutePermission]> = Mutex([])

    init(router: Router<DocketRequestContext>, store: Store) {
        self.router = router
        self.store = store
    }

    var permissions: [RoutePermission] { table.withLock { $0 } }

    typealias Handler = @Sendable (Request, DocketRequestContext) async throws -> Response

    func add(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) {
        // Recorded in the router's own spelling (`{id}`), so the matrix test can match `router.routes` exactly.
        table.withLock { $0.append(RoutePermission(method: method, path: RouterPath(path).description, access: access)) }
        let store = self.store
        router.on(RouterPath(path), method: method) { request, context in
            var request = request
            try await Self.authorize(access, request: &request, context: context, store: store)
            return try await handler(request, context)
        }
    }

    func get(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.get, path, access, handler) }
    func post(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.post, path, access, handler) }
    func put(_ path: String, _ access: Access, _ handler: @escaping Handler) { add(.put, path, access, handler) }

    static func authorize(_ access: Access, request: inout Request, context: DocketRequestContext, store: Store) async throws {
        if case .everyone = access { return }
        guard let identity = context.identity else { throw AccessError.unauthenticated }
        guard access.allows(identity.roles) else {
            try await store.auth.recordDenial(
                identity.actor, userID: identity.user.id.rawValue, method: request.method.rawValue, path: request.uri.path)
            throw AccessError.forbidden
        }
        try await checkCSRF(request: &request, context: context, identity: identity)
    }

    /// Browsers send cookies by themselves, so a state-changing request on a session must prove it came from
    /// our own page: the session's CSRF token (form field `_csrf` or header `X-CSRF-Token`), and no foreign Origin.
    static func checkCSRF(request: inout Request, context: DocketRequestContext, identity: Identity) async throws {
        guard identity.via == .session, request.method != .get, request.method != .head else { return }
        guard isSameOrigin(request, context) else { throw AccessError.csrf }
        guard let expected = identity.csrfToken else { throw AccessError.csrf }
        if let header = request.headers[HTTPField.Name("X-CSRF-Token")!] {
            guard Secret.equal(header, expected) else { throw AccessError.csrf }
            return
        }
        // A form: read the body once, check `_csrf`, and hand the same bytes on to the handler. A form with a file
        // (multipart) may be as large as the largest file a form takes plus its fields.
        let type = request.headers[.contentType] ?? ""
        let boundary = type.lowercased().hasPrefix("multipart/form-data") ? MultipartForm.boundary(type) : nil
        let body = try await request.body.collect(upTo: boundary == nil ? 1 << 20 : MultipartForm.maxBytes)
        request.body = RequestBody(buffer: body)
        let fields = boundary.map { MultipartForm.parse(Array(body.readableBytesView), boundary: $0).form } ?? Form.parse(String(buffer: body))
        guard let token = fields.first("_csrf"), Secret.equal(token, expected) else { throw AccessError.csrf }
    }
}

/// A browser's `Origin`, when sent, must be this very site — scheme, host and port: a form posted from another
/// site, or from `https://` on a plain `http` server (or the reverse), is refused.
func isSameOrigin(_ request: Request, _ context: DocketRequestContext) -> Bool {
    guard let origin = request.headers[.origin] else { return true }
    guard let authority = request.head.authority else { return false }
    return origin.lowercased() == siteAddress(request, context).lowercased()
        || origin.lowercased() == (context.scheme + "://" + defaultPortless(authority, scheme: context.scheme)).lowercased()
}

/// This site's address as a browser names it: `http://host:port`.
func siteAddress(_ request: Request, _ context: DocketRequestContext) -> String {
    context.scheme + "://" + (request.head.authority ?? "localhost")
}

/// `host:80` on http (`host:443` on https) is the same origin as `host`.
private func defaultPortless(_ authority: String, scheme: String) -> String {
    let suffix = scheme == "https" ? ":443" : ":80"
    return authority.hasSuffix(suffix) ? String(authority.dropLast(suffix.count)) : authority
}
