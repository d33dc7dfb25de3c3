import DocketCore
import DocketStore
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
    /// `emptyAllowed`: an empty body reads as `{}` (a step with nothing to say, such as shipping a transfer).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext, emptyAllowed: Bool = false) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw HTTPError(.contentTooLarge)
        }
        if emptyAllowed && buffer.readableBytes == 0 { return try decode(T.self, from: Data("{}".utf8)) }
        return try decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Foundation reports a number that does not fit its field (2.5 or 1e30 for a quantity) as invalid
            // JSON with no path: find the number and name its field.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let problem = numberProblem(in: data) {
                throw DocketError.invalid([problem])
            }
            throw problem(error)
        }
        try refuseControlCharacters(in: data)
        return value
    }

    /// Strings with control characters (NUL, escape …; tab and line breaks are allowed) are refused with the
    /// field named, on both engines alike: raw ones are not valid JSON, so only `\u` escapes can carry them.
    static func refuseControlCharacters(in data: Data) throws(DocketError) {
        guard data.contains(0x5C) || data.contains(0xC2) || data.contains(0xE2),
            let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return }
        var v = Validator()
        walk(tree, "") { path, value in
            if let text = value as? String, Validator.hasControlCharacters(text, multiline: true) { v.add(path, "controlCharacters") }
        }
        try v.check()
    }

    /// The first number in the document that is not a whole number inside Int64 (latitudes and longitudes aside).
    static func numberProblem(in data: Data) -> FieldProblem? {
        guard let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        var found: FieldProblem?
        walk(tree, "") { path, value in
            guard found == nil, let number = value as? NSNumber, !(value is Bool), !path.hasSuffix("latitude"), !path.hasSuffix("longitude")
            else { return }
            let double = number.doubleValue
            if double.rounded() != double || double >= 9.2e18 || double <= -9.2e18 {
                found =
                    path.hasSuffix("quantity")
                    ? FieldProblem(path, "wholeNumberOutOfRange", ["min": "1", "max": String(Bounds.quantity)])
                    : FieldProblem(path, "wholeNumber")
            }
        }
        return found
    }

    private static func walk(_ value: Any, _ path: String, _ visit: (String, Any) -> Void) {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() { walk(object[key]!, path.isEmpty ? key : path + "." + key, visit) }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() { walk(element, path + "[\(index)]", visit) }
        } else {
            visit(path, value)
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

    /// The kind of JSON value a field takes; the catalogue says it in words (`type.number` → 数字).
    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") { return "object" }
        if name.hasPrefix("Array") { return "array" }
        if name.contains("Int") || name.contains("Double") { return "number" }
        if name.contains("String") { return "string" }
        if name.contains("Bool") { return "boolean" }
        if name.contains("Array") { return "array" }
        return "object"
    }

    /// "Cannot initialize CreditRating from invalid String value X" → the enum's allowed values.
    private static func allowedValues(_ detail: String) -> String {
        let enums: [(String, [String])] = [
            ("OrderChannel", OrderChannel.allCases.map(\.rawValue)),
            ("OrderType", OrderType.allCases.map(\.rawValue)),
            ("PaymentMethod", PaymentMethod.allCases.map(\.rawValue)),
            ("ReviewStage", ReviewStage.allCases.map(\.rawValue)),
            ("ConfirmationChannel", ConfirmationChannel.allCases.map(\.rawValue)),
            ("MovementKind", MovementKind.allCases.map(\.rawValue)),
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
