/// Field paths said the way the form labels them, so no person reads `lines[3].sku`: 第 4 行 商品编码,
/// 联系人 1 电话, 收货地址 省份; a revision's `lines[P001].quantity` is P001 数量.
public enum FieldLabel {
    public static func text(_ path: String, in language: Language) -> String {
        let table = Catalog.table(language)
        var parts: [String] = []
        var parent: Substring?
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var index: Substring?
            if let open = component.firstIndex(of: "["), component.hasSuffix("]") {
                name = component[..<open]
                index = component[component.index(after: open)..<component.index(before: component.endIndex)]
            }
            // A name said differently under its parent (an invoice's title is 发票抬头, a contact's is 职务).
            let label = parent.flatMap { table["field.under.\($0).\(name)"] } ?? table["field.\(name)"] ?? table["ui.field.\(name)"] ?? String(name)
            defer { parent = name }
            if let index {
                if let number = Int(index) {
                    // Lines and table rows are counted from 1, as people count them.
                    let key = name == "lines" ? "field.lineNumber" : ["rates", "services"].contains(name) ? "field.rowNumber" : "field.numbered"
                    parts.append(Message(key, ["label": label, "number": String(number + 1)]).text(language))
                } else {
                    parts.append(String(index))  // keyed by a code the person knows (a SKU)
                }
            } else {
                parts.append(label)
            }
        }
        return parts.joined(separator: " ")
    }

    /// "第 4 行 商品编码：不认识的商品编码" — the label and the message, for lists of problems.
    public static func problem(_ problem: FieldProblem, in language: Language) -> String {
        Self.problem(field: problem.field, message: problem.message.text(language), in: language)
    }

    /// The same, for a message already in words (an API problem's `errors`).
    public static func problem(field: String, message: String, in language: Language) -> String {
        guard !field.isEmpty else { return message }
        return Message("field.problem", ["label": text(field, in: language), "message": message]).text(language)
    }
}
