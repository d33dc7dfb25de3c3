/// Compact JSON with sorted keys for the write path's JSON columns (allocation plans, review assessments, history
/// entries, outbox payloads): the text Foundation's JSONEncoder writes with `.sortedKeys` and
/// `.withoutEscapingSlashes`, at a fraction of its cost (it was 13 % of a place-order run's CPU). Scalars are
/// written as they are encoded; objects keep their members until the end to sort them. Doubles are written in
/// Swift's shortest round-trip form (JSONEncoder may write `1` where this writes `1.0`; both read back the same).
/// Types that Foundation special-cases (Date, Data, URL, Decimal) are not supported: our columns hold none.
enum ColumnJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        if let writable = value as? any ColumnJSONWritable {
            var json = Writer()
            writable.write(to: &json)
            return json.text
        }
        return try encodeCodable(value)
    }

    /// Through the value's `Encodable` conformance (what `ColumnJSONWritable` types must match).
    static func encodeCodable<T: Encodable>(_ value: T) throws -> String {
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        guard let root = encoder.root else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(T.self) did not encode any values."))
        }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        root.write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// What a value encoded to: a scalar already written out, or a container filled in as encoding goes on.
    enum Node {
        case scalar([UInt8])
        case object(ObjectBox)
        case array(ArrayBox)
        case encoder(ValueEncoder)

        func write(into out: inout [UInt8]) {
            switch self {
            case .scalar(let bytes): out += bytes
            case .object(let box):
                out.append(UInt8(ascii: "{"))
                var first = true
                for (key, node) in box.members.sorted(by: { $0.key < $1.key }) {
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    ColumnJSON.string(key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    node.write(into: &out)
                }
                out.append(UInt8(ascii: "}"))
            case .array(let box):
                out.append(UInt8(ascii: "["))
                for (index, node) in box.items.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    node.write(into: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .encoder(let encoder):
                // A value that encoded nothing is an empty object, as with JSONEncoder.
                (encoder.root ?? .object(ObjectBox())).write(into: &out)
            }
        }
    }

    final class ObjectBox {
        var members: [(key: String, node: Node)] = []
        func set(_ key: String, _ node: Node) {
            if let index = members.firstIndex(where: { $0.key == key }) { members[index].node = node } else { members.append((key, node)) }
        }
    }

    final class ArrayBox {
        var items: [Node] = []
    }

    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func scalar(_ text: String) -> Node {
        var out: [UInt8] = []
        string(text, into: &out)
        return .scalar(out)
    }

    static func number<N: BinaryInteger>(_ value: N) -> Node { .scalar(Array(String(value).utf8)) }

    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, _ path: [any CodingKey]) throws -> Node {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        return .scalar(Array(String(value).utf8))
    }

    static var null: Node { .scalar([0x6E, 0x75, 0x6C, 0x6C]) }
    static var yes: Node { .scalar([0x74, 0x72, 0x75, 0x65]) }
    static var no: Node { .scalar([0x66, 0x61, 0x6C, 0x73, 0x65]) }

    /// Encodes one value (a member, an element, or the root) into its own node.
    static func node<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> Node {
        switch value {
        case let text as String: return scalar(text)
        case let number as Int64: return self.number(number)
        case let number as Int: return self.number(number)
        case let flag as Bool: return flag ? yes : no
        default:
            let encoder = ValueEncoder(codingPath: path)
            try value.encode(to: encoder)
            return encoder.root ?? .object(ObjectBox())
        }
    }

    final class ValueEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var root: Node?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let box: ObjectBox
            if case .object(let existing)? = root {
                box = existing
            } else {
                box = ObjectBox()
                root = .object(box)
            }
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let box: ArrayBox
            if case .array(let existing)? = root {
                box = existing
            } else {
                box = ArrayBox()
                root = .array(box)
            }
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, value ? ColumnJSON.yes : ColumnJSON.no) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.scalar(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { box.set(key.stringValue, try ColumnJSON.number(value, codingPath + [key])) }
        mutating func encode(_ value: Float, forKey key: Key) throws { box.set(key.stringValue, try ColumnJSON.number(value, codingPath + [key])) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(key.stringValue, ColumnJSON.number(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.set(key.stringValue, try ColumnJSON.node(value, at: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBox()
            box.set(key.stringValue, .object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.set(key.stringValue, .array(nested))
            return Unkeyed(box: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Encoder {
            let encoder = ValueEncoder(codingPath: codingPath)
            box.set(name, .encoder(encoder))
            return encoder
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        let codingPath: [any CodingKey]
        var count: Int { box.items.count }

        mutating func encodeNil() throws { box.items.append(ColumnJSON.null) }
        mutating func encode(_ value: Bool) throws { box.items.append(value ? ColumnJSON.yes : ColumnJSON.no) }
        mutating func encode(_ value: String) throws { box.items.append(ColumnJSON.scalar(value)) }
        mutating func encode(_ value: Double) throws { box.items.append(try ColumnJSON.number(value, codingPath)) }
        mutating func encode(_ value: Float) throws { box.items.append(try ColumnJSON.number(value, codingPath)) }
        mutating func encode(_ value: Int) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: Int8) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: Int16) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: Int32) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: Int64) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt8) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt16) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt32) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode(_ value: UInt64) throws { box.items.append(ColumnJSON.number(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try ColumnJSON.node(value, at: codingPath)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBox()
            box.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.items.append(.array(nested))
            return Unkeyed(box: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = ValueEncoder(codingPath: codingPath)
            box.items.append(.encoder(encoder))
            return encoder
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.root = ColumnJSON.null }
        mutating func encode(_ value: Bool) throws { encoder.root = value ? ColumnJSON.yes : ColumnJSON.no }
        mutating func encode(_ value: String) throws { encoder.root = ColumnJSON.scalar(value) }
        mutating func encode(_ value: Double) throws { encoder.root = try ColumnJSON.number(value, codingPath) }
        mutating func encode(_ value: Float) throws { encoder.root = try ColumnJSON.number(value, codingPath) }
        mutating func encode(_ value: Int) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: Int8) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: Int16) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: Int32) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: Int64) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: UInt) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: UInt8) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: UInt16) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: UInt32) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode(_ value: UInt64) throws { encoder.root = ColumnJSON.number(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.root = try ColumnJSON.node(value, at: codingPath) }
    }
}
