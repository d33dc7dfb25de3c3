import DocketCore

/// A column value written straight to JSON, members in sorted key order, without Codable's containers: for the
/// values every placed order writes (its allocation plan, the reviews' assessments, its history entries), where the
/// Codable path was a tenth of a place-order run's CPU. The text is byte for byte what the Codable path writes
/// (`ColumnJSONTests` compares both on generated values), so nothing that reads these columns can tell.
protocol ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer)
}

extension ColumnJSON {
    /// Compact JSON, written in order. Members must be given in sorted key order (as `JSONEncoder.sortedKeys`).
    struct Writer {
        var out: [UInt8] = []
        /// Whether the container being written has no member or element yet (no comma before the next one).
        private var first = true

        init() { out.reserveCapacity(512) }

        mutating func key(_ name: StaticString) {
            element()
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }

        mutating func element() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }

        mutating func object(_ members: (inout Writer) -> Void) {
            out.append(UInt8(ascii: "{"))
            first = true
            members(&self)
            out.append(UInt8(ascii: "}"))
            first = false
        }

        mutating func array<C: Collection>(_ items: C, _ each: (inout Writer, C.Element) -> Void) {
            out.append(UInt8(ascii: "["))
            first = true
            for item in items {
                element()
                each(&self, item)
            }
            out.append(UInt8(ascii: "]"))
            first = false
        }

        mutating func string(_ text: String) { ColumnJSON.string(text, into: &out) }
        mutating func int<N: BinaryInteger>(_ value: N) { out.append(contentsOf: String(value).utf8) }

        /// A string-keyed dictionary, as an object with sorted keys.
        mutating func strings(_ dictionary: [String: String]) {
            object { json in
                for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) {
                    json.element()
                    ColumnJSON.string(key, into: &json.out)
                    json.out.append(UInt8(ascii: ":"))
                    json.string(value)
                }
            }
        }

        mutating func value(_ value: some ColumnJSONWritable) { value.write(to: &self) }

        var text: String { String(decoding: out, as: UTF8.self) }
    }
}

extension Money: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("currency"); json.string(currency.code)
            json.key("minor"); json.int(minor)
        }
    }
}

extension AllocationNote: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            if let available { json.key("available"); json.int(available) }
            if let cost { json.key("cost"); json.value(cost) }
            if let expiry { json.key("expiry"); json.string(expiry.iso8601) }
            if let kilometres { json.key("kilometres"); json.int(kilometres) }
            if let lot { json.key("lot"); json.string(lot) }
            if let minimumDays { json.key("minimumDays"); json.int(minimumDays) }
            if let quantity { json.key("quantity"); json.int(quantity) }
            json.key("verdict"); json.string(verdict.rawValue)
            if let warehouse { json.key("warehouse"); json.string(warehouse) }
        }
    }
}

extension AllocationPlan.Pick: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            if let expiry { json.key("expiry"); json.string(expiry.iso8601) }
            json.key("location"); json.string(location)
            json.key("lot"); json.string(lot)
            json.key("lotId"); json.int(lotID.rawValue)
            json.key("quantity"); json.int(quantity)
            json.key("warehouse"); json.string(warehouse)
        }
    }
}

extension AllocationPlan.Line: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("allocated"); json.int(allocated)
            if closed > 0 { json.key("closed"); json.int(closed) }
            json.key("explanation"); json.array(explanation) { json, note in json.value(note) }
            json.key("lineId"); json.int(lineID.rawValue)
            json.key("picks"); json.array(picks) { json, pick in json.value(pick) }
            json.key("quantity"); json.int(quantity)
            json.key("sku"); json.string(sku)
            json.key("toProduce"); json.int(toProduce)
        }
    }
}

extension AllocationPlan: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("lines"); json.array(lines) { json, line in json.value(line) }
            json.key("status"); json.string(status.rawValue)
            json.key("warehouses"); json.array(warehouses) { json, code in json.string(code) }
        }
    }
}

extension ReviewFinding: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("arguments"); json.strings(arguments)
            json.key("code"); json.string(code)
            json.key("severity"); json.string(severity.rawValue)
        }
    }
}

extension CreditEvaluation: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("exposure"); json.value(exposure)
            json.key("limit"); json.value(limit)
            json.key("openBalance"); json.value(openBalance)
            json.key("outcome"); json.string(outcome.rawValue)
            json.key("overdue"); json.value(overdue)
            json.key("reasons"); json.array(reasons) { json, finding in json.value(finding) }
            if let suggestedMaxTotal { json.key("suggestedMaxTotal"); json.value(suggestedMaxTotal) }
        }
    }
}

extension StageAssessment: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            if let credit { json.key("credit"); json.value(credit) }
            json.key("findings"); json.array(findings) { json, finding in json.value(finding) }
            json.key("stage"); json.string(stage.rawValue)
        }
    }
}

extension FieldProblem: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            json.key("arguments"); json.strings(arguments)
            json.key("code"); json.string(code)
            json.key("field"); json.string(field)
            if let text { json.key("message"); json.string(text) }
        }
    }
}

extension TransitionData: ColumnJSONWritable {
    func write(to json: inout ColumnJSON.Writer) {
        json.object { json in
            if let from { json.key("from"); json.string(from.rawValue) }
            if let problems { json.key("problems"); json.array(problems) { json, problem in json.value(problem) } }
            if let reason { json.key("reason"); json.string(reason) }
            if let rule { json.key("rule"); json.string(rule) }
            json.key("to"); json.string(to.rawValue)
        }
    }
}
