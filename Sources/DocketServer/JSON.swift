import DocketCore
import Foundation
import Hummingbird
import NIOCore

/// JSON in and out, with decoding failures turned into field problems rather than 500s.
enum JSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
        -> Response
    {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json; charset=utf-8" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// Reads the request body (at most 1 MiB) and decodes it.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw HTTPError(.contentTooLarge)
        }
        return try decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(error)
        }
    }

    /// Turns a `DecodingError` into the field problem a client can act on.
    static func problem(_ error: DecodingError) -> any Error {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return DocketError.invalid(path(context.codingPath, key), "required")
        case .valueNotFound(_, let context):
            return DocketError.invalid(path(context.codingPath), "required")
        case .typeMismatch(let type, let context):
            return DocketError.invalid(path(context.codingPath), "invalidType", ["expected": typeName(type)])
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return MalformedBody(problems: [FieldProblem("", "malformedJSON", ["detail": context.underlyingError.map { "\($0)" } ?? context.debugDescription])])
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            let detail = context.debugDescription
            if detail.contains("YYYY-MM-DD") { return DocketError.invalid(field, "invalidDate") }
            if detail.contains("ISO 8601") { return DocketError.invalid(field, "invalidTime") }
            if detail.contains("currency") {
                return DocketError.invalid(field, "invalidCurrency", ["allowed": Currency.supported.map(\.code).joined(separator: ", ")])
            }
            return DocketError.invalid(field, "invalidValue", ["allowed": allowedValues(detail)])
        @unknown default:
            return MalformedBody(problems: [])
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Int") || name.contains("Double") { return "number" }
        if name.contains("String") { return "string" }
        if name.contains("Bool") { return "boolean" }
        if name.contains("Array") { return "array" }
        return "object"
    }

    /// "Cannot initialize CreditRating from invalid String value X" → the enum's allowed values.
    private static func allowedValues(_ detail: String) -> String {
        let enums: [(String, [String])] = [
            ("CreditRating", CreditRating.allCases.map(\.rawValue)),
            ("TransportMode", TransportMode.allCases.map(\.rawValue)),
            ("Pricing", CarrierService.Pricing.allCases.map(\.rawValue)),
            ("Kind", InvoiceInfo.Kind.allCases.map(\.rawValue)),
            ("Role", Role.allCases.map(\.rawValue)),
            ("Language", Language.allCases.map(\.rawValue)),
        ]
        for (name, values) in enums where detail.contains("initialize \(name) ") {
            return values.joined(separator: ", ")
        }
        return "—"
    }
}
