import Glibc

/// Locale-independent number text for CSV files and charts.
package enum NumberFormatting {
    /// `31%`, `0.4%`: a share with two significant digits for small ones.
    package static func percent(_ share: Double) -> String {
        let value = share * 100
        return fixed(value, decimals: abs(value) < 9.95 ? 1 : 0) + "%"
    }

    /// `value` with exactly `decimals` digits after the point (`0.012346` for 6).
    package static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard scaled < 1.8e19 else { return String(value) }
        let units = UInt64(scaled)
        let sign = value < 0 && units > 0 ? "-" : ""
        let whole = String(units / scale)
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % scale)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Durations in one unit, the one ``duration(_:)`` picks for the largest, with the
    /// decimals it would give the largest, more where the smallest would show fewer than two
    /// significant digits, or (`distinct`) where two different values would read the same
    /// (three at most): a sentence reads on one scale, `0.501 s against 1.001 s`, `200.0 ms
    /// and 1.0 ms`, never `501 ms against 1.001 s`.
    package static func durations(_ values: [Double], distinct: Bool = false) -> [String] {
        let largest = values.map(abs).max() ?? 0
        let (scale, unit): (Double, String) = largest >= 1 ? (1, " s") : largest >= 0.001 ? (1e3, " ms") : (1e6, " us")
        let top = largest * scale
        var decimals = unit == " s" ? (top >= 100 ? 1 : 3) : (top >= 100 ? 0 : 1)
        if let smallest = values.map({ abs($0) * scale }).filter({ $0 > 0 }).min() {
            decimals = max(decimals, min(3, 1 - Int((log10(smallest)).rounded(.down))))
        }
        func text(_ decimals: Int) -> [String] { values.map { fixed($0 * scale, decimals: decimals) + unit } }
        // Values that differ must not read the same.
        while distinct, decimals < 3, Set(text(decimals)).count < Set(values).count { decimals += 1 }
        return text(decimals)
    }

    /// A duration with a unit that keeps 3-4 significant digits: `1.234 s`, `56.7 ms`, `890 us`.
    package static func duration(_ seconds: Double) -> String {
        switch abs(seconds) {
        case 100...: fixed(seconds, decimals: 1) + " s"
        case 1...: fixed(seconds, decimals: 3) + " s"
        case 0.1...: fixed(seconds * 1e3, decimals: 0) + " ms"
        case 0.001...: fixed(seconds * 1e3, decimals: 1) + " ms"
        default: fixed(seconds * 1e6, decimals: 0) + " us"
        }
    }
}
