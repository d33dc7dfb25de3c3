import Testing

@testable import DocketCore

@Suite("People by name")
struct PeopleTests {
    let people = People(users: ["li.na": "李娜（跟单）"], customers: ["C0002": "恒通贸易"], rules: ["A-SMALL": "A 类客户初审"])

    @Test func everyKindOfActorHasAName() {
        #expect(people.name(of: "user:li.na", in: .zhCN) == "李娜（跟单）")
        #expect(people.name(of: "api:li.na", in: .zhCN) == "李娜（跟单）（接口）")
        #expect(people.name(of: "api:channel:taobao", in: .zhCN) == "淘宝推送")
        #expect(people.name(of: "api:channel:taobao", in: .en) == "Taobao push")
        #expect(people.name(of: "system:rule:A-SMALL", in: .zhCN) == "规则「A 类客户初审」")
        #expect(people.name(of: "system:timer", in: .zhCN) == "系统定时任务")
        #expect(people.name(of: "customer:C0002", in: .zhCN) == "客户 恒通贸易（C0002）")
        #expect(people.name(of: "cli:cli", in: .en) == "command line")
        #expect(people.customer("C0002", in: .en) == "恒通贸易 (C0002)")
        #expect(people.customer("C9999", in: .zhCN) == "C9999", "an unknown customer keeps its code")
        for stored in ["user:li.na", "api:channel:jd", "system:rule:A-SMALL", "system:timer", "customer:C0002", "cli:cli", "system:system"] {
            let name = people.name(of: stored, in: .zhCN)
            #expect(!name.contains(":") && !name.contains("system") && !name.contains("user"), "\(stored) → \(name)")
        }
    }

    @Test func wantedNamesAreCollectedInOneGo() {
        let wanted = People.wanted(["user:a", "api:b", "customer:C1", "system:rule:R1", "system:timer", "nonsense"])
        #expect(wanted.users == ["a", "b"] && wanted.customers == ["C1"] && wanted.rules == ["R1"])
    }
}

@Suite("Field labels")
struct FieldLabelTests {
    @Test func pathsAreSaidAsTheFormLabelsThem() {
        #expect(FieldLabel.text("lines[3].sku", in: .zhCN) == "第 4 行 商品编码")
        #expect(FieldLabel.text("lines[3].sku", in: .en) == "Line 4 SKU")
        #expect(FieldLabel.text("lines[P001].quantity", in: .zhCN) == "P001 数量")
        #expect(FieldLabel.text("contacts[0].phone", in: .zhCN) == "联系人 1 电话")
        #expect(FieldLabel.text("deliveryAddress.province", in: .zhCN) == "收货地址 省/直辖市")
        #expect(
            FieldLabel.problem(FieldProblem("lines[0].quantity", "mustBePositive"), in: .zhCN)
                == "第 1 行 数量：" + Message("problem.mustBePositive").text(.zhCN))
        #expect(FieldLabel.problem(FieldProblem("", "required"), in: .zhCN) == Message("problem.required").text(.zhCN))
    }

    /// Pages read the catalogue as nested keys (`t.ui.order.copyNewLink`): a key that is also the start of
    /// another (`a.b` and `a.b.c`) would hide one of them.
    @Test func noCatalogueKeyIsThePrefixOfAnother() {
        for language in [Language.zhCN, .en] {
            let keys = Set(Catalog.table(language).keys)
            let clashes = keys.filter { key in keys.contains { $0.hasPrefix(key + ".") } }
            #expect(clashes.isEmpty, "\(clashes.sorted())")
        }
    }
}
