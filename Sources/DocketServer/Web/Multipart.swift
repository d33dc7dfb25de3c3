import DocketCore
import Foundation
import Hummingbird

/// A `multipart/form-data` body (a form with a file input, RFC 7578): its text fields as a `Form`, and its files.
/// Only what a browser sends is read — one level of parts, each with a `Content-Disposition: form-data; name=…`
/// header and an optional filename and content type.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var name: String
        var fileName: String
        var contentType: String
        var bytes: [UInt8]
    }

    var form: Form
    var files: [File]

    /// The largest form with a file Docket takes: a proof of delivery (`DeliveryProof.maxBytes`) and the fields.
    static let maxBytes = DeliveryProof.maxBytes + 256 * 1024

    func file(_ name: String) -> File? { files.first { $0.name == name && !$0.bytes.isEmpty } }

    /// Reads a body of at most `limit` bytes (a larger one is a 413); a body that is not multipart is read as an
    /// urlencoded form with no files. Text fields refuse control characters like `Form.read`.
    static func read(_ request: Request, limit: Int) async throws -> MultipartForm {
        let type = request.headers[.contentType] ?? ""
        let buffer = try await request.body.collect(upTo: limit)
        guard type.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(type) else {
            let form = Form.parse(String(buffer: buffer))
            try form.refuseControlCharacters()
            return MultipartForm(form: form, files: [])
        }
        let parsed = parse(Array(buffer.readableBytesView), boundary: boundary)
        try parsed.form.refuseControlCharacters()
        return parsed
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 70 ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) -> MultipartForm {
        let delimiter = Array("--\(boundary)".utf8)
        var pairs: [(String, String)] = []
        var files: [File] = []
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        for (n, start) in starts.enumerated() where n + 1 < starts.count {
            // A part runs from after the delimiter's line break to the CRLF before the next delimiter.
            var from = start + delimiter.count
            if from + 1 < body.count, body[from] == 13, body[from + 1] == 10 { from += 2 } else { continue }
            var to = starts[n + 1]
            if to >= 2, body[to - 2] == 13, body[to - 1] == 10 { to -= 2 }
            guard from <= to, let headerEnd = find([13, 10, 13, 10], in: body, from: from), headerEnd <= to else { continue }
            let headers = String(decoding: body[from..<headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + 4)..<max(headerEnd + 4, to)])
            var name: String?
            var fileName: String?
            var contentType = "application/octet-stream"
            for line in headers.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line))
                    fileName = parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces).lowercased()
                }
            }
            guard let name else { continue }
            if let fileName {
                files.append(File(name: name, fileName: fileName, contentType: contentType, bytes: content))
            } else {
                pairs.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
        return MultipartForm(form: Form(pairs: pairs), files: files)
    }

    /// `name="value"` in a header line (quoted, as browsers send it).
    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        let first = needle[0]
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
