import DocketCore
import DocketStore

/// The record form pages as typed models (`form` template with the `field` partial), rendered by Mustache through
/// reflection like `OrderPageModel`: a nil property is looked up in the contexts around it, so optional names here
/// (`error`, `placeholder`, `note`, `summary`) are ones no outer model uses.
enum FormModel {
    /// One input, its label and its problem.
    struct Field {
        struct Option {
            var value: String
            var label: String
            var selected: Bool
        }

        var name: String
        var id: String
        var label: String
        var required: Bool
        var value: String
        var readonly: Bool
        var error: String?
        var placeholder: String?
        var num: Bool
        var checkbox = false
        var checked = false
        var select = false
        var options: [Option] = []
        var multiline = false
        var plain = false
        var inputType = "text"
        /// A datalist the input suggests from (customers, products on the entry grid).
        var list: String?

        init(_ spec: FieldSpec, name: String, value: String, checked: Bool, error: String?, readonly: Bool, language: Language) {
            self.name = name
            id = FormSpec<Never>.inputID(name)
            label = Message(spec.label).text(language)
            required = spec.required
            self.value = value
            self.readonly = readonly
            self.error = error
            num = spec.isNumber
            switch spec.kind {
            case .checkbox:
                checkbox = true
                self.checked = checked
            case .select(let values):
                select = true
                options = values.map { Option(value: $0, label: spec.optionLabel($0, language), selected: $0 == value) }
            case .password:
                plain = true
                inputType = "password"
                self.value = ""
            case .number:
                plain = true
                placeholder = "0"
            case .text:
                plain = true
            case .multiline:
                multiline = true
            }
        }
    }

    /// One input of a page that is not a record form (the entry grid's header): `kind` is the input type
    /// ("text", "date", "checkbox"), or `options` make it a select; `label` is a catalogue key.
    static func input(
        _ name: String, label: String, value: String, kind: String = "text", list: String? = nil, placeholder: String? = nil,
        readonly: Bool = false, options: [(value: String, label: String)]? = nil, error: String?, language: Language
    ) -> Field {
        var field = Field(FieldSpec(name: name, label: label), name: name, value: value, checked: value == "true", error: error, readonly: readonly, language: language)
        field.list = list
        field.placeholder = placeholder
        if let options {
            field.plain = false
            field.select = true
            field.options = options.map { Field.Option(value: $0.value, label: $0.label, selected: $0.value == value) }
        } else if kind == "checkbox" {
            field.plain = false
            field.checkbox = true
        } else {
            field.inputType = kind
        }
        return field
    }

    struct Section {
        var legend: String
        var fields: [Field]
    }

    /// A repeated part as a table of rows (`GridSpec`).
    struct Grid {
        struct Column {
            var label: String
            var required: Bool
            var num: Bool
        }

        struct Row {
            var index: Int
            var number: Int
            var cells: [Field]
        }

        var name: String
        var legend: String
        var note: String?
        var columns: [Column]
        var rows: [Row]
    }

    struct Fact {
        var label: String
        var value: String
        var id: String
    }

    /// The customer page's panel above the record: figures, latest orders, credit terms.
    struct Summary {
        struct OrderRow {
            var href: String
            var number: String
            var status: String
            var statusCode: String
            var total: String
            var received: String
        }

        /// Credit terms: a form for finance (`editable`), figures for everyone else.
        struct Credit {
            var facts: [Fact]
            var editable: Bool
            var sections: [Section]
            var action: String
            var version: String
        }

        var heading: String
        var facts: [Fact]
        var ordersTitle: String
        var orders: [OrderRow]
        var allHref: String
        var allLabel: String
        var credit: Credit
    }

    /// A record's page: its sections and tables, the problems, and the panel above it.
    struct Page {
        var title: String
        var action: String
        var cancelHref: String
        var readOnly: Bool
        var version: String?
        var problemSummary: String?
        var gridProblems: [String]
        var hasGridProblems: Bool
        var sections: [Section]
        var grids: [Grid]
        var hasGrids: Bool
        var summary: Summary?
    }
}
