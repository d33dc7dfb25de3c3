/// Realistic demo data for a Chinese SME's order desk: customers across cities, a catalogue with shelf-life
/// and make-to-order goods, three warehouses with locations and lots, four carriers with rate tables.
/// Deterministic: the same `today` gives the same data.
public struct DemoData: Sendable {
    public var suppliers: [Supplier] = []
    public var products: [Product] = []
    public var customers: [Customer] = []
    public var warehouses: [(warehouse: Warehouse, locations: [Location])] = []
    public var carriers: [Carrier] = []
    public var receipts: [StockReceipt] = []

    public init(today: CalendarDate) {
        var random = SeededRandom(seed: 20_261_122)
        suppliers = Self.makeSuppliers()
        products = Self.makeProducts(suppliers: suppliers)
        customers = Self.makeCustomers(&random)
        warehouses = Self.makeWarehouses()
        carriers = Self.makeCarriers()
        receipts = Self.makeReceipts(products: products, warehouses: warehouses, today: today, &random)
    }

    struct City {
        var province: String
        var city: String
        var district: String
        var street: String
        var postcode: String
        var latitude: Double
        var longitude: Double
        var phonePrefix: String
    }

    static let cities: [City] = [
        City(province: "上海市", city: "上海市", district: "浦东新区", street: "张江路", postcode: "201203", latitude: 31.20, longitude: 121.60, phonePrefix: "021"),
        City(province: "北京市", city: "北京市", district: "朝阳区", street: "建国路", postcode: "100022", latitude: 39.91, longitude: 116.46, phonePrefix: "010"),
        City(province: "广东省", city: "广州市", district: "天河区", street: "天河路", postcode: "510620", latitude: 23.13, longitude: 113.33, phonePrefix: "020"),
        City(province: "广东省", city: "深圳市", district: "南山区", street: "科技园南路", postcode: "518057", latitude: 22.54, longitude: 113.95, phonePrefix: "0755"),
        City(province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路", postcode: "310012", latitude: 30.28, longitude: 120.13, phonePrefix: "0571"),
        City(province: "江苏省", city: "南京市", district: "鼓楼区", street: "中山北路", postcode: "210008", latitude: 32.07, longitude: 118.78, phonePrefix: "025"),
        City(province: "江苏省", city: "苏州市", district: "工业园区", street: "星湖街", postcode: "215021", latitude: 31.32, longitude: 120.72, phonePrefix: "0512"),
        City(province: "四川省", city: "成都市", district: "武侯区", street: "天府大道", postcode: "610041", latitude: 30.57, longitude: 104.07, phonePrefix: "028"),
        City(province: "重庆市", city: "重庆市", district: "渝北区", street: "金开大道", postcode: "401121", latitude: 29.72, longitude: 106.63, phonePrefix: "023"),
        City(province: "湖北省", city: "武汉市", district: "洪山区", street: "珞喻路", postcode: "430074", latitude: 30.51, longitude: 114.41, phonePrefix: "027"),
        City(province: "陕西省", city: "西安市", district: "雁塔区", street: "高新路", postcode: "710075", latitude: 34.22, longitude: 108.95, phonePrefix: "029"),
        City(province: "天津市", city: "天津市", district: "河西区", street: "友谊路", postcode: "300201", latitude: 39.10, longitude: 117.21, phonePrefix: "022"),
        City(province: "湖南省", city: "长沙市", district: "岳麓区", street: "麓谷大道", postcode: "410205", latitude: 28.23, longitude: 112.88, phonePrefix: "0731"),
        City(province: "山东省", city: "青岛市", district: "市南区", street: "香港中路", postcode: "266071", latitude: 36.07, longitude: 120.38, phonePrefix: "0532"),
        City(province: "福建省", city: "厦门市", district: "思明区", street: "湖滨南路", postcode: "361004", latitude: 24.48, longitude: 118.09, phonePrefix: "0592"),
        City(province: "云南省", city: "昆明市", district: "五华区", street: "人民中路", postcode: "650021", latitude: 25.04, longitude: 102.71, phonePrefix: "0871"),
    ]

    static func makeSuppliers() -> [Supplier] {
        let rows: [(String, String, String, String, Int)] = [
            ("SUP-HZTEA", "杭州西湖茶叶有限公司", "陈建国", "0571-87654321", 5),
            ("SUP-SZPACK", "苏州精工包装制品厂", "李强", "0512-66881234", 7),
            ("SUP-YWGIFT", "义乌市嘉禾礼品有限公司", "吴晓燕", "0579-85512345", 12),
            ("SUP-GZCOSM", "广州美妍化妆品有限公司", "黄丽", "020-38881234", 10),
            ("SUP-SZELEC", "深圳市华强电子配件有限公司", "林志伟", "0755-83331234", 6),
            ("SUP-CDFOOD", "成都天府食品有限公司", "张敏", "028-85551234", 4),
            ("SUP-NBHOME", "宁波家居用品有限公司", "王海", "0574-87771234", 9),
            ("SUP-QDCLEAN", "青岛洁净日化有限公司", "刘洋", "0532-85661234", 8),
        ]
        return rows.map {
            Supplier(code: $0.0, name: $0.1, contactName: $0.2, phone: $0.3, leadTimeDays: $0.4)
        }
    }

    struct Family {
        var prefix: String
        var zh: String
        var en: String
        var unit: String
        var priceFen: Int64
        var grams: Int64
        var cm3: Int64
        var shelfLife: Int?
        var lotTracked: Bool = false
        var makeToOrder: Bool = false
        var fragile: Bool = false
        var liquid: Bool = false
        var supplier: String
        var variants: [(code: String, zh: String, en: String, factor: Int64)]
    }

    static let families: [Family] = {
        let sizes = [("S", "小号", "small", 8), ("M", "中号", "medium", 10), ("L", "大号", "large", 13)]
        let colors = [("WH", "白色", "white", 10), ("BK", "黑色", "black", 10), ("RD", "红色", "red", 11), ("BL", "蓝色", "blue", 11)]
        let weights = [("250G", "250克", "250 g", 10), ("500G", "500克", "500 g", 18), ("1KG", "1千克", "1 kg", 32)]
        let packs = [("6", "6支装", "pack of 6", 10), ("12", "12支装", "pack of 12", 18), ("24", "24支装", "pack of 24", 33)]
        func v(_ list: [(String, String, String, Int)]) -> [(code: String, zh: String, en: String, factor: Int64)] {
            list.map { (code: $0.0, zh: $0.1, en: $0.2, factor: Int64($0.3)) }
        }
        return [
            Family(prefix: "CUP-STEEL", zh: "不锈钢保温杯", en: "Steel vacuum bottle", unit: "个", priceFen: 8_900, grams: 350, cm3: 1_200, supplier: "SUP-NBHOME", variants: v(colors)),
            Family(prefix: "CUP-GLASS", zh: "双层玻璃杯", en: "Double-wall glass", unit: "个", priceFen: 4_500, grams: 280, cm3: 900, fragile: true, supplier: "SUP-NBHOME", variants: v(sizes)),
            Family(prefix: "MUG-CER", zh: "陶瓷马克杯", en: "Ceramic mug", unit: "个", priceFen: 3_200, grams: 400, cm3: 1_000, fragile: true, supplier: "SUP-NBHOME", variants: v(colors)),
            Family(prefix: "TEA-LJ", zh: "西湖龙井茶", en: "Longjing green tea", unit: "盒", priceFen: 26_800, grams: 300, cm3: 1_500, shelfLife: 540, supplier: "SUP-HZTEA", variants: v(weights)),
            Family(prefix: "TEA-PE", zh: "云南普洱茶饼", en: "Pu'er tea cake", unit: "饼", priceFen: 19_800, grams: 400, cm3: 1_200, shelfLife: 3_650, supplier: "SUP-HZTEA", variants: v(weights)),
            Family(prefix: "TEA-JS", zh: "茉莉花茶", en: "Jasmine tea", unit: "罐", priceFen: 8_800, grams: 280, cm3: 1_000, shelfLife: 720, supplier: "SUP-HZTEA", variants: v(weights)),
            Family(prefix: "NUT-MIX", zh: "每日坚果礼盒", en: "Daily nuts gift box", unit: "盒", priceFen: 12_900, grams: 800, cm3: 3_000, shelfLife: 240, supplier: "SUP-CDFOOD", variants: v(weights)),
            Family(prefix: "SNK-CD", zh: "四川麻辣牛肉干", en: "Sichuan spicy beef jerky", unit: "袋", priceFen: 5_900, grams: 250, cm3: 800, shelfLife: 270, supplier: "SUP-CDFOOD", variants: v(weights)),
            Family(prefix: "SAU-SOY", zh: "特级酿造酱油", en: "Premium soy sauce", unit: "瓶", priceFen: 2_680, grams: 600, cm3: 700, shelfLife: 720, liquid: true, supplier: "SUP-CDFOOD", variants: v(sizes)),
            Family(prefix: "OIL-SES", zh: "芝麻香油", en: "Sesame oil", unit: "瓶", priceFen: 3_980, grams: 450, cm3: 500, shelfLife: 540, fragile: true, liquid: true, supplier: "SUP-CDFOOD", variants: v(sizes)),
            Family(prefix: "COS-TON", zh: "保湿爽肤水", en: "Hydrating toner", unit: "瓶", priceFen: 12_800, grams: 250, cm3: 300, shelfLife: 1_095, liquid: true, supplier: "SUP-GZCOSM", variants: v(sizes)),
            Family(prefix: "COS-CRM", zh: "修护面霜", en: "Repair face cream", unit: "瓶", priceFen: 16_800, grams: 120, cm3: 150, shelfLife: 1_095, supplier: "SUP-GZCOSM", variants: v(sizes)),
            Family(prefix: "CLN-DET", zh: "浓缩洗衣液", en: "Concentrated detergent", unit: "桶", priceFen: 4_990, grams: 2_200, cm3: 2_400, shelfLife: 1_095, liquid: true, supplier: "SUP-QDCLEAN", variants: v(sizes)),
            Family(prefix: "CLN-DISH", zh: "果蔬洗洁精", en: "Dish-washing liquid", unit: "瓶", priceFen: 1_590, grams: 1_100, cm3: 1_200, shelfLife: 1_095, liquid: true, supplier: "SUP-QDCLEAN", variants: v(sizes)),
            Family(prefix: "ELC-CBL", zh: "Type-C 快充数据线", en: "USB-C fast-charge cable", unit: "条", priceFen: 3_900, grams: 60, cm3: 150, lotTracked: true, supplier: "SUP-SZELEC", variants: v(colors)),
            Family(prefix: "ELC-PWR", zh: "20000mAh 移动电源", en: "20000 mAh power bank", unit: "个", priceFen: 15_900, grams: 420, cm3: 500, lotTracked: true, supplier: "SUP-SZELEC", variants: v(colors)),
            Family(prefix: "ELC-EAR", zh: "蓝牙无线耳机", en: "Bluetooth earbuds", unit: "副", priceFen: 29_900, grams: 90, cm3: 300, lotTracked: true, fragile: true, supplier: "SUP-SZELEC", variants: v(colors)),
            Family(prefix: "OFF-PEN", zh: "中性笔", en: "Gel pen", unit: "盒", priceFen: 1_800, grams: 120, cm3: 200, supplier: "SUP-SZPACK", variants: v(packs)),
            Family(prefix: "OFF-NOTE", zh: "皮面笔记本", en: "Leather notebook", unit: "本", priceFen: 3_500, grams: 350, cm3: 600, supplier: "SUP-SZPACK", variants: v(colors)),
            Family(prefix: "OFF-BOX", zh: "瓦楞纸箱", en: "Corrugated carton", unit: "个", priceFen: 450, grams: 300, cm3: 30_000, supplier: "SUP-SZPACK", variants: v(sizes)),
            Family(prefix: "GFT-BOX", zh: "定制企业礼盒", en: "Custom corporate gift box", unit: "套", priceFen: 39_900, grams: 1_800, cm3: 8_000, makeToOrder: true, supplier: "SUP-YWGIFT", variants: v(sizes)),
            Family(prefix: "GFT-MUG", zh: "定制 LOGO 马克杯", en: "Custom logo mug", unit: "个", priceFen: 4_800, grams: 400, cm3: 1_000, makeToOrder: true, fragile: true, supplier: "SUP-YWGIFT", variants: v(colors)),
            Family(prefix: "GFT-PEN", zh: "定制刻字钢笔", en: "Engraved fountain pen", unit: "支", priceFen: 12_800, grams: 60, cm3: 100, makeToOrder: true, supplier: "SUP-YWGIFT", variants: v(colors)),
            Family(prefix: "HOM-TWL", zh: "纯棉毛巾", en: "Cotton towel", unit: "条", priceFen: 2_900, grams: 150, cm3: 800, supplier: "SUP-NBHOME", variants: v(colors)),
            Family(prefix: "HOM-BAG", zh: "帆布购物袋", en: "Canvas tote bag", unit: "个", priceFen: 2_500, grams: 180, cm3: 600, supplier: "SUP-NBHOME", variants: v(colors)),
        ]
    }()

    /// The families' HS codes (海关编码, six-digit headings) for the customs declaration; all made in China.
    static let hsCodes: [String: String] = [
        "NUT-MIX": "200819", "SNK-CD": "160250", "SAU-SOY": "210310", "OIL-SES": "151550", "COS-TON": "330499", "COS-CRM": "330499",
        "CLN-DET": "340220", "CLN-DISH": "340220", "ELC-CBL": "854442", "ELC-PWR": "850760", "ELC-EAR": "851830", "OFF-PEN": "960810",
        "OFF-NOTE": "482010", "OFF-BOX": "481910", "GFT-BOX": "481920", "GFT-MUG": "691200", "GFT-PEN": "960831", "HOM-TWL": "630260",
        "HOM-BAG": "420222",
    ]

    static func makeProducts(suppliers: [Supplier]) -> [Product] {
        var products: [Product] = []
        for family in families {
            let skus = family.variants.map { "\(family.prefix)-\($0.code)" }
            for (index, variant) in family.variants.enumerated() {
                // Variants of a family substitute for each other (with the customer's consent, a later issue).
                let substitutes = skus.enumerated().filter { $0.offset != index }.prefix(2).map(\.element)
                products.append(
                    Product(
                        sku: skus[index], nameZh: "\(family.zh) \(variant.zh)", nameEn: "\(family.en), \(variant.en)",
                        unit: family.unit, listPrice: Money(minor: family.priceFen * variant.factor / 10 / 10 * 10),
                        weightGrams: family.grams * variant.factor / 10, volumeCm3: family.cm3 * variant.factor / 10,
                        fragile: family.fragile, liquid: family.liquid, shelfLifeDays: family.shelfLife,
                        lotTracked: family.lotTracked, makeToOrder: family.makeToOrder,
                        defaultSupplierCode: family.supplier, substituteSkus: Array(substitutes), hsCode: hsCodes[family.prefix],
                        originCountry: "CN"))
            }
        }
        // Pad to ~200 with case-size variants of the catalogue above (never of another case).
        let catalogue = products
        var n = 1
        while products.count < 200 {
            let base = catalogue[(n * 7) % catalogue.count]
            var bulk = base
            bulk.sku = "CASE\(n % 3 == 0 ? 24 : 12)-\(base.sku)"
            bulk.nameZh = "\(base.nameZh)（整箱 \(n % 3 == 0 ? 24 : 12) \(base.unit)）"
            bulk.nameEn = base.nameEn.map { "\($0), case of \(n % 3 == 0 ? 24 : 12)" }
            bulk.unit = "箱"
            bulk.listPrice = Money(minor: base.listPrice.minor * (n % 3 == 0 ? 22 : 11))
            bulk.weightGrams = base.weightGrams * (n % 3 == 0 ? 24 : 12)
            bulk.volumeCm3 = base.volumeCm3 * (n % 3 == 0 ? 24 : 12)
            bulk.substituteSkus = []
            if !products.contains(where: { $0.sku == bulk.sku }) { products.append(bulk) }
            n += 1
        }
        return products
    }

    static func makeCustomers(_ random: inout SeededRandom) -> [Customer] {
        let brands = ["华联", "佳和", "鸿达", "盛世", "东方", "金桥", "新世纪", "恒通", "瑞丰", "永信", "博远", "汇通", "天成", "信达", "嘉禾"]
        let trades = ["贸易", "商贸", "百货", "电子商务", "实业", "连锁超市", "礼品", "科技"]
        let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"]
        let given = ["芳", "伟", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛", "婷"]
        var customers: [Customer] = []
        for i in 0..<30 {
            let city = cities[i % cities.count]
            let brand = brands[(i * 7) % brands.count]
            let trade = trades[(i * 3) % trades.count]
            let cityShort = city.city.replacingAll("市", with: "")
            let contactName = surnames[random.next(surnames.count)] + given[random.next(given.count)]
            let mobile = "1\([3, 5, 7, 8, 9][random.next(5)])\(String(random.next(1_000_000_000)).leftPadded(9))"
            let rating = [CreditRating.A, .A, .B, .B, .B, .C, .D][random.next(7)]
            let limits: [CreditRating: Int64] = [.A: 50_000_000, .B: 20_000_000, .C: 5_000_000, .D: 0]
            let code = "C\(String(i + 1).leftPadded(4))"
            let address = Address(
                label: "收货地址", province: city.province, city: city.city, district: city.district,
                street: "\(city.street) \(random.next(800) + 1) 号", postcode: city.postcode,
                latitude: city.latitude, longitude: city.longitude, isDefault: true)
            var addresses = [address]
            if i % 4 == 0 {
                var office = address
                office.label = "办公地址"
                office.street = "\(city.street) \(random.next(800) + 1) 号 \(random.next(20) + 3) 楼"
                office.isDefault = false
                addresses.append(office)
            }
            customers.append(
                Customer(
                    code: code, name: "\(cityShort)\(brand)\(trade)有限公司",
                    contacts: [
                        Contact(name: contactName, phone: mobile, email: "order\(i + 1)@example.cn", title: "采购经理", isPrimary: true),
                        Contact(name: surnames[(i + 3) % surnames.count] + given[(i + 5) % given.count],
                                phone: "\(city.phonePrefix)-\(String(60_000_000 + random.next(30_000_000)))", title: "财务"),
                    ],
                    addresses: addresses, creditLimit: Money(minor: limits[rating]!),
                    paymentTermsDays: rating == .A ? 60 : rating == .B ? 30 : 0, creditRating: rating,
                    invoice: InvoiceInfo(
                        kind: i % 3 == 0 ? .special : .ordinary, title: "\(cityShort)\(brand)\(trade)有限公司",
                        taxNumber: "91\(city.postcode)MA\(String(i + 1).leftPadded(7))X",
                        bankName: "中国工商银行\(cityShort)分行", bankAccount: "6222 0\(String(random.next(100_000_000)).leftPadded(8))",
                        registeredAddress: address.singleLine, registeredPhone: "\(city.phonePrefix)-66668888")))
        }
        return customers
    }

    static func makeWarehouses() -> [(warehouse: Warehouse, locations: [Location])] {
        let rows: [(String, String, String, City)] = [
            ("SH", "上海嘉定仓", "华东", City(province: "上海市", city: "上海市", district: "嘉定区", street: "嘉松北路 6988 号", postcode: "201814", latitude: 31.38, longitude: 121.25, phonePrefix: "021")),
            ("GZ", "广州白云仓", "华南", City(province: "广东省", city: "广州市", district: "白云区", street: "太和镇物流园 8 号", postcode: "510540", latitude: 23.30, longitude: 113.35, phonePrefix: "020")),
            ("CD", "成都双流仓", "西南", City(province: "四川省", city: "成都市", district: "双流区", street: "西航港大道 2 号", postcode: "610200", latitude: 30.50, longitude: 103.95, phonePrefix: "028")),
        ]
        return rows.map { code, name, region, city in
            var locations: [Location] = []
            for zone in ["A", "B", "C"] {
                for row in 1...2 {
                    for slot in 1...3 {
                        locations.append(
                            Location(
                                code: "\(zone)-0\(row)-0\(slot)", name: zone == "C" ? "冷凉区" : nil,
                                zone: zone))
                    }
                }
            }
            return (
                Warehouse(
                    code: code, name: name,
                    address: Address(province: city.province, city: city.city, district: city.district, street: city.street,
                        postcode: city.postcode, latitude: city.latitude, longitude: city.longitude),
                    region: region), locations
            )
        }
    }

    static func makeCarriers() -> [Carrier] {
        func zoneRates(_ near: [String], nearFee: Int64, nearKg: Int64, farFee: Int64, farKg: Int64, nearDays: Int, farDays: Int) -> [Rate] {
            near.map { Rate(zone: $0, baseFee: Money(minor: nearFee), perKg: Money(minor: nearKg), transitDays: nearDays) }
                + [Rate(zone: "*", baseFee: Money(minor: farFee), perKg: Money(minor: farKg), transitDays: farDays)]
        }
        let east = ["上海市", "江苏省", "浙江省", "安徽省"]
        let south = ["广东省", "福建省", "广西壮族自治区", "海南省"]
        return [
            Carrier(
                code: "SF", name: "顺丰速运", phone: "95338", website: "https://www.sf-express.com",
                services: [
                    CarrierService(code: "SF-STD", name: "顺丰标快", mode: .express, pricing: .zone, maxWeightKg: 50,
                        rates: zoneRates(east + south, nearFee: 1_200, nearKg: 200, farFee: 2_300, farKg: 800, nearDays: 1, farDays: 2)),
                    CarrierService(code: "SF-AIR", name: "顺丰空配", mode: .air, pricing: .zone, maxWeightKg: 100,
                        rates: zoneRates(east, nearFee: 2_000, nearKg: 600, farFee: 3_000, farKg: 1_500, nearDays: 1, farDays: 1)),
                ]),
            Carrier(
                code: "JD", name: "京东物流", phone: "950616", website: "https://www.jdl.com",
                services: [
                    CarrierService(code: "JD-EXP", name: "京东特快", mode: .express, pricing: .zone, maxWeightKg: 30,
                        rates: zoneRates(east + south, nearFee: 1_100, nearKg: 300, farFee: 2_000, farKg: 700, nearDays: 1, farDays: 2)),
                    CarrierService(code: "JD-LTL", name: "京东大件零担", mode: .road, pricing: .zone,
                        rates: zoneRates(east, nearFee: 3_000, nearKg: 80, farFee: 5_000, farKg: 150, nearDays: 2, farDays: 4)),
                ]),
            Carrier(
                code: "ZTO", name: "中通快递", phone: "95311", website: "https://www.zto.com",
                services: [
                    CarrierService(code: "ZTO-STD", name: "中通标准快递", mode: .express, pricing: .zone, maxWeightKg: 40,
                        rates: zoneRates(east, nearFee: 500, nearKg: 100, farFee: 800, farKg: 400, nearDays: 2, farDays: 4))
                ]),
            Carrier(
                code: "CRE", name: "中铁快运", phone: "95572", website: "https://www.95572.com",
                services: [
                    CarrierService(code: "CRE-RAIL", name: "铁路整车/零担", mode: .rail, pricing: .distance,
                        rates: [Rate(zone: "*", baseFee: Money(minor: 8_000), perKg: Money(minor: 30), perKm: Money(minor: 2), transitDays: 5)])
                ]),
        ]
    }

    static func makeReceipts(
        products: [Product], warehouses: [(warehouse: Warehouse, locations: [Location])], today: CalendarDate,
        _ random: inout SeededRandom
    ) -> [StockReceipt] {
        var receipts: [StockReceipt] = []
        for (index, product) in products.enumerated() where !product.makeToOrder {
            // Most goods sit in one or two warehouses; some only in one, so allocation has choices to make.
            let homes = index % 5 == 0 ? [index % 3] : [index % 3, (index + 1) % 3]
            for home in homes {
                let (warehouse, locations) = warehouses[home]
                let location = product.shelfLifeDays != nil && product.liquid == false
                    ? locations[12 + random.next(6)] : locations[random.next(12)]
                let lots = product.lotTracked ? 1 + random.next(2) : 1
                for lotIndex in 0..<lots {
                    var expiry: CalendarDate?
                    var lot: String?
                    if let shelfLife = product.shelfLifeDays {
                        // Lots produced at different times: some expire soon (FEFO has work to do).
                        let age = (shelfLife * (lotIndex == 0 ? 2 + random.next(5) : 6 + random.next(3))) / 10
                        expiry = today.adding(days: shelfLife - age)
                    }
                    if product.lotTracked {
                        lot = "L\(today.adding(days: -30 * (lotIndex + 1) - random.next(20)).iso8601.replacingAll("-", with: ""))"
                    }
                    receipts.append(
                        StockReceipt(
                            sku: product.sku, warehouseCode: warehouse.code, locationCode: location.code, lot: lot,
                            quantity: Int64(20 + random.next(40) * 10), expiryDate: expiry,
                            reference: "PO-DEMO-\(String(receipts.count + 1).leftPadded(4))", note: "期初库存"))
                }
            }
        }
        return receipts
    }
}

extension DemoData {
    /// The password of every demo user (README lists the accounts). Demo data only: never for production.
    public static let password = "docket-demo"

    /// One demo user per role, so each department's home page can be tried.
    public static let users: [User] = [
        User(username: "admin", displayName: "王磊（管理员）", roles: [.admin]),
        User(username: "order.desk", displayName: "李娜（跟单）", roles: [.orderDesk]),
        User(username: "sales", displayName: "张伟（销售）", roles: [.sales]),
        User(username: "finance", displayName: "刘芳（财务）", roles: [.finance]),
        User(username: "warehouse", displayName: "陈强（仓库）", roles: [.warehouse]),
        User(username: "production", displayName: "杨洋（生产）", roles: [.production]),
        User(username: "purchasing", displayName: "赵敏（采购）", roles: [.purchasing]),
        User(username: "logistics", displayName: "黄勇（物流）", roles: [.logistics]),
        User(username: "order.manager", displayName: "周静（订单管理负责人）", roles: [.orderManager]),
        User(username: "service", displayName: "吴婷（客服）", roles: [.customerService], language: .zhCN),
        User(username: "demo.en", displayName: "Emma (order desk)", roles: [.orderDesk, .sales], language: .en),
    ]
}

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine.
public struct SeededRandom: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next(_ upperBound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(upperBound))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
    func prefixString(_ n: Int) -> String { String(prefix(n)) }
}
