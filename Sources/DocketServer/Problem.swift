import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// An RFC 9457 problem document, with field-level problems in the reader's language.
public struct Problem: Codable, Sendable, Hashable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]?

    public struct FieldError: Codable, Sendable, Hashable {
        public var field: String
        public var code: String
        public var message: String
    }
}

/// Maps every error to a response in one place: typed domain errors to their status and a localized
/// problem document; unknown errors to a bare 500 that leaks nothing (and is logged).
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let language = request.language
            let (status, problem) = Self.problem(for: error, path: request.uri.path, language: language)
            if status == .internalServerError {
                logger.error(
                    "docket.http.unhandled",
                    metadata: ["docket.path": "\(request.uri.path)", "docket.error": "\(String(reflecting: error))"])
            }
            var headers: HTTPFields = [.contentType: "application/problem+json", .contentLanguage: language.rawValue]
            if status == .serviceUnavailable { headers[.retryAfter] = "5" }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSON.encode(problem))))
        }
    }

    static func problem(for error: any Error, path: String, language: Language) -> (HTTPResponse.Status, Problem) {
        func make(_ status: HTTPResponse.Status, _ type: String, _ title: String, _ detail: Message?, _ errors: [FieldProblem]? = nil)
            -> (HTTPResponse.Status, Problem)
        {
            (
                status,
                Problem(
                    type: "/problems/\(type)", title: Message(title).text(language), status: status.code,
                    detail: detail?.text(language),
                    errors: errors?.map {
                        Problem.FieldError(field: $0.field, code: $0.code, message: $0.message.text(language))
                    })
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
                return make(
                    .notFound, "not-found", "error.notFound.title",
                    Message("error.notFound.detail", ["entity": entity(kind), "key": key]))
            case .duplicate(let kind, let field, let value):
                return make(
                    .conflict, "duplicate", "error.duplicate.title",
                    Message(
                        "error.duplicate.detail",
                        ["entity": entity(kind), "field": Message("field.\(field)").text(language), "value": value]),
                    [FieldProblem(field, "duplicate", ["value": value])])
            case .versionConflict(let kind, let key, let current):
                return make(
                    .conflict, "version-conflict", "error.versionConflict.title",
                    Message(
                        "error.versionConflict.detail", ["entity": entity(kind), "key": key, "current": String(current)]))
            case .archived(let kind, let key):
                return make(
                    .conflict, "archived", "error.archived.title",
                    Message("error.archived.detail", ["entity": entity(kind), "key": key]))
            }
        case let error as MalformedBody:
            return make(.badRequest, "malformed", "error.malformed.title", Message("error.malformed.detail"), error.problems)
        case StoreError.unavailable:
            return make(.serviceUnavailable, "unavailable", "error.unavailable.title", Message("error.unavailable.detail"))
        case let error as HTTPError where error.status == .notFound:
            return make(.notFound, "route-not-found", "error.routeNotFound.title", Message("error.routeNotFound.detail", ["path": path]))
        case let error as HTTPError where error.status == .contentTooLarge:
            return make(.contentTooLarge, "too-large", "error.payloadTooLarge.title", nil)
        case let error as HTTPError where error.status == .methodNotAllowed:
            return make(.methodNotAllowed, "method-not-allowed", "error.methodNotAllowed.title", nil)
        case let error as HTTPError where error.status.code < 500:
            return make(error.status, "http-\(error.status.code)", "error.malformed.title", nil)
        default:
            return make(.internalServerError, "internal", "error.internal.title", Message("error.internal.detail"))
        }
    }
}

/// A body that is not JSON at all (400), as opposed to JSON with bad fields (422).
struct MalformedBody: Error {
    var problems: [FieldProblem]
}
