import Glibc

/// Summary statistics over repeated measurements.
package enum Statistics {
    /// Two groups in `values`, when it has them: the split of the sorted values (each side at
    /// least 2) with the largest step from one side's largest to the other's smallest, if that
    /// step is at least `step` times (1.2: 20% apart) and larger than the spread inside either
    /// group. Repetitions that fall in two places (three at 174 ms, two at 95) are not noise
    /// around one median: their median says little, and a test that assumes one place lets a
    /// change through. `nil` for fewer than 4 values or one group.
    package static func bimodalSplit(_ values: [Double], step: Double = 1.2) -> (low: [Double], high: [Double])? {
        let sorted = values.filter(\.isFinite).sorted()
        guard sorted.count >= 4, let first = sorted.first, first > 0 else { return nil }
        var best: (index: Int, ratio: Double)?
        for index in 2...(sorted.count - 2) {
            let ratio = sorted[index] / sorted[index - 1]
            if ratio > best?.ratio ?? 0 { best = (index, ratio) }
        }
        guard let best, best.ratio >= step else { return nil }
        let low = Array(sorted[..<best.index])
        let high = Array(sorted[best.index...])
        guard low.last! / low.first! < best.ratio, high.last! / high.first! < best.ratio else { return nil }
        return (low, high)
    }

    /// The median: the middle value, or the mean of the two middle values; `nil` when empty.
    package static func median(_ values: [Double]) -> Double? {
        quantile(values, 0.5)
    }

    /// The arithmetic mean; `nil` when empty.
    package static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n - 1 in the denominator); `nil` for fewer than two values.
    package static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let mean = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The `p` quantile by linear interpolation between order statistics (R's type 7, the
    /// default of R and NumPy); `nil` when empty.
    package static func quantile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// The 95% confidence interval of the mean by Student's t: mean +/- t(0.975, n-1) s/sqrt(n).
    /// `nil` for fewer than two values.
    package static func confidenceInterval95(_ values: [Double]) -> ClosedRange<Double>? {
        guard let mean = mean(values), let deviation = standardDeviation(values) else { return nil }
        let halfWidth = studentT975(degreesOfFreedom: values.count - 1) * deviation / Double(values.count).squareRoot()
        return (mean - halfWidth)...(mean + halfWidth)
    }

    /// How many values lie outside Tukey's fences, [Q1 - 1.5 IQR, Q3 + 1.5 IQR].
    package static func outlierCount(_ values: [Double]) -> Int {
        guard values.count >= 4, let first = quantile(values, 0.25), let third = quantile(values, 0.75) else {
            return 0
        }
        let reach = 1.5 * (third - first)
        return values.filter { $0 < first - reach || $0 > third + reach }.count
    }

    /// The values outside Tukey's fences that also lie more than `share` of the median away
    /// from it: outliers that change a comparison, not just a tight cluster's stragglers.
    package static func farOutliers(_ values: [Double], beyond share: Double) -> [Double] {
        guard values.count >= 4, let first = quantile(values, 0.25), let third = quantile(values, 0.75),
            let median = median(values), median > 0
        else { return [] }
        let reach = 1.5 * (third - first)
        return values.filter { ($0 < first - reach || $0 > third + reach) && abs($0 - median) / median > share }
    }

    /// The 0.975 quantile of Student's t distribution (two-sided 95%).
    package static func studentT975(degreesOfFreedom: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        switch degreesOfFreedom {
        case ..<1: return .infinity
        case 1...30: return table[degreesOfFreedom - 1]
        case 31...40: return 2.021
        case 41...60: return 2.000
        case 61...120: return 1.980
        default: return 1.960
        }
    }
}

extension Statistics {
    /// The Mann-Whitney U test (Wilcoxon rank-sum) of whether the values of `second` tend to
    /// be larger than those of `first`: a rank test, so it needs no normal distribution.
    /// - Returns: `u`, the number of pairs (first value, second value) in which the second is
    ///   larger (ties count one half), and the one-sided p-value of a `u` at least this large
    ///   when both samples come from one distribution: exact (by counting arrangements) when
    ///   there are no ties and at most 40 values, otherwise the normal approximation with the
    ///   tie correction and a continuity correction. `nil` when a sample is empty.
    package static func mannWhitneyGreater(_ first: [Double], _ second: [Double]) -> (u: Double, p: Double)? {
        let (m, n) = (first.count, second.count)
        guard m > 0, n > 0 else { return nil }
        var u = 0.0
        for a in first {
            for b in second {
                if b > a { u += 1 } else if b == a { u += 0.5 }
            }
        }
        let all = (first + second).sorted()
        var tieTerm = 0.0
        var index = 0
        while index < all.count {
            var end = index
            while end + 1 < all.count, all[end + 1] == all[index] { end += 1 }
            let size = Double(end - index + 1)
            tieTerm += size * size * size - size
            index = end + 1
        }
        if tieTerm == 0, m + n <= 40 {
            return (u, exactUpperTail(m: m, n: n, atLeast: Int(u)))
        }
        let total = Double(m + n)
        let mean = Double(m * n) / 2
        let variance = Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        guard variance > 0 else { return (u, 1) }
        let z = (u - mean - 0.5) / variance.squareRoot()
        return (u, 0.5 * erfc(z / 2.0.squareRoot()))
    }

    /// P(U >= `atLeast`) for samples of `m` and `n` values without ties: the share of the
    /// C(m+n, m) equally likely arrangements whose U reaches it.
    static func exactUpperTail(m: Int, n: Int, atLeast: Int) -> Double {
        // counts[i][j][u]: arrangements of i values of the first sample and j of the second
        // with U = u; built up one value at a time (the largest value comes from one sample
        // or the other: from the second, it is larger than all i first values).
        var counts = [[[Double]]](repeating: [[Double]](repeating: [], count: n + 1), count: m + 1)
        for i in 0...m {
            for j in 0...n {
                var row = [Double](repeating: 0, count: i * j + 1)
                if i == 0 || j == 0 {
                    row[0] = 1
                } else {
                    for (value, count) in counts[i - 1][j].enumerated() { row[value] += count }
                    for (value, count) in counts[i][j - 1].enumerated() { row[value + i] += count }
                }
                counts[i][j] = row
            }
        }
        let distribution = counts[m][n]
        let all = distribution.reduce(0, +)
        let tail = distribution.enumerated().filter { $0.offset >= atLeast }.map(\.element).reduce(0, +)
        return tail / all
    }
}

extension Statistics {
    /// The confidence interval of the mean at `level` (0.95 for 95%) by Student's t:
    /// mean +/- t((1 + level) / 2, n-1) s/sqrt(n). `nil` for fewer than two values.
    package static func confidenceInterval(_ values: [Double], level: Double) -> ClosedRange<Double>? {
        guard let mean = mean(values), let deviation = standardDeviation(values) else { return nil }
        let t = studentTQuantile((1 + level) / 2, degreesOfFreedom: values.count - 1)
        let halfWidth = t * deviation / Double(values.count).squareRoot()
        return (mean - halfWidth)...(mean + halfWidth)
    }

    /// The `probability` quantile (above 0.5) of Student's t distribution with the given
    /// degrees of freedom, found by bisection on its distribution function.
    package static func studentTQuantile(_ probability: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom >= 1, probability > 0.5 else { return probability > 0.5 ? .infinity : 0 }
        guard probability < 1 else { return .infinity }
        var (low, high) = (0.0, 1.0)
        while studentTDistribution(high, degreesOfFreedom: degreesOfFreedom) < probability { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if studentTDistribution(middle, degreesOfFreedom: degreesOfFreedom) < probability {
                low = middle
            } else {
                high = middle
            }
            if high - low <= 1e-12 * high { break }
        }
        return (low + high) / 2
    }

    /// P(T <= t) for Student's t with `degreesOfFreedom`: 1 - I_x(v/2, 1/2) / 2 with
    /// x = v / (v + t^2), for t >= 0 (and by symmetry below).
    static func studentTDistribution(_ t: Double, degreesOfFreedom: Int) -> Double {
        let v = Double(degreesOfFreedom)
        let tail = 0.5 * regularizedIncompleteBeta(v / (v + t * t), a: v / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// I_x(a, b), the regularized incomplete beta function, by its continued fraction
    /// (modified Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges
    /// faster.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers) / a
        let tiny = 1e-300
        var (c, d) = (1.0, 1 - (a + b) * x / (a + 1))
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for m in 1...300 {
            let m = Double(m)
            for step in 0..<2 {
                let numerator: Double
                if step == 0 {
                    let top: Double = m * (b - m) * x
                    let bottom: Double = (a + 2 * m - 1) * (a + 2 * m)
                    numerator = top / bottom
                } else {
                    let top: Double = (a + m) * (a + b + m) * x
                    let bottom: Double = (a + 2 * m) * (a + 2 * m + 1)
                    numerator = -top / bottom
                }
                d = 1 + numerator * d
                if abs(d) < tiny { d = tiny }
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                d = 1 / d
                fraction *= d * c
            }
            if abs(d * c - 1) < 1e-15 { break }
        }
        return front * fraction
    }

    /// Holm's step-down adjustment of p-values for testing them all at once: the family-wise
    /// chance of any false finding stays below the level each adjusted value is compared
    /// with. Sorted ascending, the k-th smallest (from 0) is multiplied by (count - k), kept
    /// at least as large as the one before, and capped at 1; returned in the given order.
    package static func holmAdjusted(_ pValues: [Double]) -> [Double] {
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: pValues.count)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(pValues.count - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// The smallest one-sided p-value a Mann-Whitney U test of `m` against `n` values can
    /// give without ties: 1 / C(m+n, m), when one sample lies wholly above the other.
    package static func smallestRankP(m: Int, n: Int) -> Double {
        guard m > 0, n > 0 else { return 1 }
        var arrangements = 1.0
        for k in 1...min(m, n) { arrangements = arrangements * Double(m + n - min(m, n) + k) / Double(k) }
        return 1 / arrangements
    }
}
