import Foundation

/// Code 128 barcodes (GB/T 18347, ISO/IEC 15417), drawn by Docket for labels and pick lists: order numbers,
/// shipment numbers and tracking numbers are printable ASCII. Code set B carries the text; runs of four or more
/// digits switch to code set C (two digits a symbol), which keeps long numeric tracking numbers short enough for
/// 100 mm label stock.
public enum Code128 {
    /// The symbols' bar and space widths (bar first, in modules): values 0–102, then Start A, B, C (103–105).
    static let patterns: [String] = """
        212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222 \
        123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321 \
        232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 \
        313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 \
        111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 \
        111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 \
        114311 411113 411311 113141 114131 311141 411131 211412 211214 211232
        """.split(separator: " ").map(String.init)
    static let stop = "2331112"
    static let startB = 104, startC = 105, toB = 100, toC = 99

    /// The symbol values for `text`, start and check symbol included (the stop is implied); nil when the text has a
    /// character outside printable ASCII or is empty.
    public static func symbols(_ text: String) -> [Int]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (32...126).contains($0) }) else { return nil }
        func isDigit(_ b: UInt8) -> Bool { (48...57).contains(b) }
        func digitRun(from i: Int) -> Int {
            var j = i
            while j < bytes.count, isDigit(bytes[j]) { j += 1 }
            return j - i
        }
        var values: [Int] = []
        var inC = false
        var i = 0
        while i < bytes.count {
            let run = digitRun(from: i)
            // A run of four digits (or an all-digit text of two) is worth code C; an odd run leaves its last digit to B.
            if run >= 4 || (run >= 2 && run == bytes.count) {
                let pairs = run / 2
                if values.isEmpty { values.append(startC) } else if !inC { values.append(toC) }
                inC = true
                for p in 0..<pairs {
                    values.append(Int(bytes[i + 2 * p] - 48) * 10 + Int(bytes[i + 2 * p + 1] - 48))
                }
                i += pairs * 2
                continue
            }
            if values.isEmpty { values.append(startB) } else if inC { values.append(toB) }
            inC = false
            values.append(Int(bytes[i]) - 32)
            i += 1
        }
        var check = values[0]
        for (position, value) in values.enumerated().dropFirst() { check = (check + value * position) % 103 }
        values.append(check)
        return values
    }

    /// Bar and space widths in modules, bar first, stop included.
    public static func modules(_ text: String) -> [Int]? {
        guard let symbols = symbols(text) else { return nil }
        return (symbols.map { patterns[$0] } + [stop]).flatMap { $0.compactMap { $0.wholeNumberValue } }
    }

    /// The barcode as an SVG image, `height` module widths tall, with the ten-module quiet zone on each side. It
    /// scales to whatever width the page gives it (`preserveAspectRatio="none"` keeps the bars crisp edge to edge).
    public static func svg(_ text: String, height: Int = 40) -> String? {
        guard let widths = modules(text) else { return nil }
        let quiet = 10
        var x = quiet
        var bars = ""
        for (index, width) in widths.enumerated() {
            if index % 2 == 0 { bars += "<rect x=\"\(x)\" y=\"0\" width=\"\(width)\" height=\"\(height)\"/>" }
            x += width
        }
        let total = x + quiet
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode\" viewBox=\"0 0 \(total) \(height)\" preserveAspectRatio=\"none\" "
            + "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"\(escaped(text))\"><rect width=\"\(total)\" height=\"\(height)\" fill=\"#fff\"/>"
            + "<g fill=\"#000\">\(bars)</g></svg>"
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
