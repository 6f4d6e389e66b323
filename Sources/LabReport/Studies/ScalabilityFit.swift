/// Two laws fitted to a speedup curve by least squares: Amdahl's, with one serial fraction
/// (what Karp-Flatt gives one point at a time), and Gunther's Universal Scalability Law, with
/// contention (σ, a serial part) and coherency (κ, a cost that grows with every pair of
/// workers, so that the curve turns down past a peak):
///
///     speedup(N) = N / (1 + σ(N - 1) + κ N(N - 1))
///
/// Both are fitted in their linear form, N / speedup - 1 = σ(N - 1) + κ N(N - 1), on the
/// points with more than one worker, each coefficient held at zero or above.
package struct ScalabilityFit: Sendable, Equatable {
    /// Amdahl's serial fraction.
    package let serialFraction: Double
    /// The Universal Scalability Law's contention and coherency.
    package let contention: Double
    package let coherency: Double
    /// Root mean square of the speedups each law gives against the measured, over the points.
    package let amdahlError: Double
    package let universalError: Double

    /// The fit of `points` (workers, speedup); `nil` with fewer than three points of more
    /// than one worker (two coefficients need a third point to be tested), or a speedup
    /// that is not a finite number above zero.
    package init?(_ points: [(workers: Int, speedup: Double)]) {
        let used = points.filter { $0.workers > 1 }
        guard used.count >= 3, used.allSatisfy({ $0.speedup.isFinite && $0.speedup > 0 }) else { return nil }
        let rows = used.map { point -> (x1: Double, x2: Double, d: Double) in
            let n = Double(point.workers)
            return (n - 1, n * (n - 1), n / point.speedup - 1)
        }
        // Amdahl: d = e x1.
        let amdahl = max(rows.reduce(0) { $0 + $1.d * $1.x1 } / rows.reduce(0) { $0 + $1.x1 * $1.x1 }, 0)
        // USL: d = σ x1 + κ x2, the normal equations; a coefficient that comes out below zero is
        // held at zero and the other fitted alone.
        let s11 = rows.reduce(0) { $0 + $1.x1 * $1.x1 }, s12 = rows.reduce(0) { $0 + $1.x1 * $1.x2 }
        let s22 = rows.reduce(0) { $0 + $1.x2 * $1.x2 }
        let s1d = rows.reduce(0) { $0 + $1.x1 * $1.d }, s2d = rows.reduce(0) { $0 + $1.x2 * $1.d }
        let determinant = s11 * s22 - s12 * s12
        var sigma = determinant > 0 ? (s1d * s22 - s2d * s12) / determinant : s1d / s11
        var kappa = determinant > 0 ? (s2d * s11 - s1d * s12) / determinant : 0
        if sigma < 0 {
            sigma = 0
            kappa = max(s2d / s22, 0)
        } else if kappa < 0 {
            kappa = 0
            sigma = max(s1d / s11, 0)
        }
        serialFraction = amdahl
        contention = sigma
        coherency = kappa
        func error(_ law: (Double) -> Double) -> Double {
            (used.reduce(0) { sum, point in sum + pow2(law(Double(point.workers)) - point.speedup) }
                / Double(used.count)).squareRoot()
        }
        amdahlError = error { n in n / (1 + amdahl * (n - 1)) }
        universalError = error { n in n / (1 + sigma * (n - 1) + kappa * n * (n - 1)) }
    }

    /// The speedup the Universal Scalability Law gives at `workers`.
    package func universalSpeedup(_ workers: Int) -> Double {
        let n = Double(workers)
        return n / (1 + contention * (n - 1) + coherency * n * (n - 1))
    }

    /// Where the Universal Scalability Law's curve peaks, √((1 - σ) / κ) workers; `nil` when
    /// it never turns down (κ = 0, to rounding) or has no parallel part (σ ≥ 1).
    package var peakWorkers: Double? {
        guard coherency > 1e-9, contention < 1 else { return nil }
        return ((1 - contention) / coherency).squareRoot()
    }

    /// "USL: contention 0.031, coherency 0.0042, off by 0.05x against Amdahl's 0.21x (serial
    /// fraction 0.120): USL explains the curve better; it peaks at 15 workers (2.91x) and
    /// gives 2.10x at 32".
    package func sentence(beyond largest: Int) -> String {
        let fixed = { (value: Double, decimals: Int) in NumberFormatting.fixed(value, decimals: decimals) }
        var text =
            "Universal Scalability Law: contention \(fixed(contention, 3)), coherency \(fixed(coherency, 4)), off by "
            + "\(fixed(universalError, 2))x"
        text += " against Amdahl's \(fixed(amdahlError, 2))x (serial fraction \(fixed(serialFraction, 3))): "
        // Within a hundredth of a speedup of each other, or a tenth of the larger error, neither wins.
        let alike = abs(universalError - amdahlError) < max(0.01, 0.1 * max(universalError, amdahlError))
        text +=
            alike
            ? "the two explain it alike"
            : universalError < amdahlError ? "USL explains the curve better" : "Amdahl explains it better"
        if let peak = peakWorkers {
            let workers = max(Int(peak.rounded()), 1)
            text +=
                "; it peaks at \(workers) worker\(workers == 1 ? "" : "s") (\(fixed(universalSpeedup(workers), 2))x)"
        }
        let past = max(largest * 2, 2)
        text += (peakWorkers == nil ? "; it gives " : " and gives ") + "\(fixed(universalSpeedup(past), 2))x at \(past)"
        return text
    }
}

private func pow2(_ value: Double) -> Double { value * value }
