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

/// A body that is not JSON at all (400), as opposed to JSON with bad fields (422).
struct MalformedBody: Error {
    var problems: [FieldProblem]
}
