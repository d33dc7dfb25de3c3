/// The zh-CN and en message catalogues. Every key must exist in both (a test enforces it).
/// Arguments are written `{name}` in the text.
public enum Catalog {
    public static func text(_ message: Message, in language: Language) -> String {
        let table = language == .zhCN ? zhCN : en
        var text = table[message.key] ?? zhCN[message.key] ?? message.key
        for (name, value) in message.arguments {
            text = text.replacingAll("{\(name)}", with: value)
        }
        return text
    }

    public static func table(_ language: Language) -> [String: String] { language == .zhCN ? zhCN : en }

    static let zhCN: [String: String] = [
        // Problem titles (RFC 9457 `title`)
        "error.validation.title": "提交的数据有误",
        "error.validation.detail": "请修正标出的 {count} 处问题后重新提交。",
        "error.malformed.title": "请求格式错误",
        "error.malformed.detail": "请求内容不是有效的 JSON。",
        "error.notFound.title": "未找到",
        "error.notFound.detail": "{entity}「{key}」不存在。",
        "error.duplicate.title": "重复",
        "error.duplicate.detail": "{entity}的{field}「{value}」已存在。",
        "error.versionConflict.title": "数据已被他人修改",
        "error.versionConflict.detail": "{entity}「{key}」已被修改（当前版本 {current}），请刷新后重试。",
        "error.archived.title": "已归档",
        "error.archived.detail": "{entity}「{key}」已归档，不能再使用。",
        "error.routeNotFound.title": "页面或接口不存在",
        "error.routeNotFound.detail": "没有这个地址：{path}",
        "error.methodNotAllowed.title": "不支持的请求方法",
        "error.payloadTooLarge.title": "请求内容过大",
        "error.unavailable.title": "服务暂时不可用",
        "error.unavailable.detail": "数据库暂时无法访问，请稍后重试。",
        "error.internal.title": "服务器内部错误",
        "error.internal.detail": "服务器处理请求时出错，已记录，请稍后重试。",
        // Field problems
        "problem.required": "必填",
        "problem.tooLong": "不能超过 {max} 个字符",
        "problem.invalidCode": "只能包含字母、数字、-、_ 和 .，长度 1–{max}",
        "problem.invalidPhone": "电话号码格式不正确（手机 11 位，或座机如 021-12345678）",
        "problem.invalidEmail": "电子邮件格式不正确",
        "problem.invalidPostcode": "邮政编码应为 6 位数字",
        "problem.outOfRange": "应在 {min} 到 {max} 之间",
        "problem.mustBePositive": "必须大于 0",
        "problem.mustNotBeNegative": "不能为负数",
        "problem.invalidValue": "取值无效，可选值：{allowed}",
        "problem.invalidDate": "日期格式应为 YYYY-MM-DD",
        "problem.invalidTime": "时间格式应为 ISO 8601，并带时区，如 2026-11-22T08:30:00Z",
        "problem.invalidNumber": "应为整数",
        "problem.invalidType": "类型错误，应为{expected}",
        "problem.invalidCurrency": "不支持的币种，可选：{allowed}",
        "problem.currencyMismatch": "币种应为 {expected}",
        "problem.notFound": "「{value}」不存在",
        "problem.archived": "「{value}」已归档",
        "problem.inactive": "「{value}」已停用",
        "problem.duplicateInList": "列表中重复：{value}",
        "problem.tooMany": "最多 {max} 项",
        "problem.tooFew": "至少需要 {min} 项",
        "problem.lotRequired": "该商品按批次管理，必须填写批次号",
        "problem.expiryRequired": "该商品有保质期，必须填写有效期",
        "problem.expiryBeforeReceipt": "有效期不能早于入库日期",
        "problem.notShelfLife": "该商品不管理保质期，不应填写有效期",
        "problem.lotExpiryMismatch": "该批次已登记的有效期是 {expected}",
        "problem.selfSubstitute": "不能把商品自己设为替代品",
        "problem.locationWarehouse": "库位不属于该仓库",
        "problem.weakPassword": "密码至少 {min} 个字符",
        "problem.unknownField": "不认识的字段",
        "problem.immutable": "创建后不能修改（原值「{value}」）",
        "problem.duplicate": "「{value}」已被使用",
        "problem.malformedJSON": "JSON 格式错误：{detail}",
        "problem.invalidQuery": "查询参数无效",
        // Entities (used inside messages)
        "entity.customer": "客户",
        "entity.product": "商品",
        "entity.warehouse": "仓库",
        "entity.location": "库位",
        "entity.supplier": "供应商",
        "entity.carrier": "承运商",
        "entity.carrierService": "承运服务",
        "entity.stockLot": "库存批次",
        "entity.user": "用户",
        // Field names used in duplicate messages
        "field.code": "编码",
        "field.sku": "商品编码",
        "field.username": "用户名",
        "field.lot": "批次号",
    ]

    static let en: [String: String] = [
        "error.validation.title": "The submitted data is invalid",
        "error.validation.detail": "Please correct the {count} marked problem(s) and submit again.",
        "error.malformed.title": "Malformed request",
        "error.malformed.detail": "The request body is not valid JSON.",
        "error.notFound.title": "Not found",
        "error.notFound.detail": "{entity} \"{key}\" does not exist.",
        "error.duplicate.title": "Duplicate",
        "error.duplicate.detail": "A {entity} with {field} \"{value}\" already exists.",
        "error.versionConflict.title": "Changed by someone else",
        "error.versionConflict.detail":
            "{entity} \"{key}\" was changed meanwhile (now version {current}); reload and try again.",
        "error.archived.title": "Archived",
        "error.archived.detail": "{entity} \"{key}\" is archived and cannot be used.",
        "error.routeNotFound.title": "No such page or endpoint",
        "error.routeNotFound.detail": "Nothing lives at {path}",
        "error.methodNotAllowed.title": "Method not allowed",
        "error.payloadTooLarge.title": "Request body too large",
        "error.unavailable.title": "Service temporarily unavailable",
        "error.unavailable.detail": "The database cannot be reached right now; please try again shortly.",
        "error.internal.title": "Internal server error",
        "error.internal.detail": "Something went wrong on the server; it has been logged. Please try again later.",
        "problem.required": "Required",
        "problem.tooLong": "At most {max} characters",
        "problem.invalidCode": "Letters, digits, -, _ and . only, 1–{max} characters",
        "problem.invalidPhone": "Invalid phone number (11-digit mobile, or landline such as 021-12345678)",
        "problem.invalidEmail": "Invalid e-mail address",
        "problem.invalidPostcode": "A postcode has 6 digits",
        "problem.outOfRange": "Must be between {min} and {max}",
        "problem.mustBePositive": "Must be greater than 0",
        "problem.mustNotBeNegative": "Must not be negative",
        "problem.invalidValue": "Invalid value; allowed: {allowed}",
        "problem.invalidDate": "Dates are written YYYY-MM-DD",
        "problem.invalidTime": "Times are ISO 8601 with a zone, e.g. 2026-11-22T08:30:00Z",
        "problem.invalidNumber": "Must be a whole number",
        "problem.invalidType": "Wrong type; expected {expected}",
        "problem.invalidCurrency": "Unsupported currency; allowed: {allowed}",
        "problem.currencyMismatch": "Currency must be {expected}",
        "problem.notFound": "\"{value}\" does not exist",
        "problem.archived": "\"{value}\" is archived",
        "problem.inactive": "\"{value}\" is inactive",
        "problem.duplicateInList": "Listed twice: {value}",
        "problem.tooMany": "At most {max} entries",
        "problem.tooFew": "At least {min} entries needed",
        "problem.lotRequired": "This product is lot-tracked: a lot number is required",
        "problem.expiryRequired": "This product has a shelf life: an expiry date is required",
        "problem.expiryBeforeReceipt": "The expiry date cannot be before the receipt date",
        "problem.notShelfLife": "This product has no shelf life: leave the expiry date empty",
        "problem.lotExpiryMismatch": "This lot is already recorded with expiry date {expected}",
        "problem.selfSubstitute": "A product cannot substitute itself",
        "problem.locationWarehouse": "This location is not in that warehouse",
        "problem.weakPassword": "A password needs at least {min} characters",
        "problem.unknownField": "Unknown field",
        "problem.immutable": "Cannot change after creation (was \"{value}\")",
        "problem.duplicate": "\"{value}\" is already taken",
        "problem.malformedJSON": "Malformed JSON: {detail}",
        "problem.invalidQuery": "Invalid query parameter",
        "entity.customer": "customer",
        "entity.product": "product",
        "entity.warehouse": "warehouse",
        "entity.location": "location",
        "entity.supplier": "supplier",
        "entity.carrier": "carrier",
        "entity.carrierService": "carrier service",
        "entity.stockLot": "stock lot",
        "entity.user": "user",
        "field.code": "code",
        "field.sku": "SKU",
        "field.username": "user name",
        "field.lot": "lot",
    ]
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index] == first, self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: target.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
