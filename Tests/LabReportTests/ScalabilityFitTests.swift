import Testing

@testable import LabReport

/// Amdahl's law and the Universal Scalability Law fitted to a speedup curve.
@Suite struct ScalabilityFitTests {
    func curve(contention: Double, coherency: Double, workers: [Int]) -> [(workers: Int, speedup: Double)] {
        workers.map { n in (n, Double(n) / (1 + contention * Double(n - 1) + coherency * Double(n * (n - 1)))) }
    }

    @Test(
        "a curve made by the Universal Scalability Law gives back its coefficients, its peak, and a better fit than Amdahl's"
    )
    func universal() throws {
        let fit = try #require(ScalabilityFit(curve(contention: 0.05, coherency: 0.01, workers: [1, 2, 4, 8, 16])))
        #expect(abs(fit.contention - 0.05) < 1e-9 && abs(fit.coherency - 0.01) < 1e-9, "\(fit)")
        #expect(fit.universalError < 1e-9 && fit.amdahlError > 0.1)
        // √(0.95 / 0.01) = 9.7 workers.
        #expect(abs((fit.peakWorkers ?? 0) - (0.95 / 0.01).squareRoot()) < 1e-6)
        let sentence = fit.sentence(beyond: 16)
        #expect(
            sentence.contains("USL explains the curve better") && sentence.contains("peaks at 10 workers")
                && sentence.hasSuffix("at 32"), "\(sentence)")
    }

    @Test("an Amdahl curve fits with no coherency; too few points, or a speedup that is not a number, fit nothing")
    func amdahl() throws {
        let fit = try #require(ScalabilityFit(curve(contention: 0.1, coherency: 0, workers: [2, 4, 8])))
        #expect(abs(fit.serialFraction - 0.1) < 1e-9 && abs(fit.contention - 0.1) < 1e-9 && fit.coherency < 1e-12)
        #expect(fit.peakWorkers == nil && fit.sentence(beyond: 8).contains("the two explain it alike"))
        #expect(ScalabilityFit([(1, 1), (2, 1.9), (4, 3.5)]) == nil)
        #expect(ScalabilityFit([(2, 1.9), (4, .nan), (8, 5)]) == nil)
        // A curve that only falls: contention held at zero or above, coherency takes it.
        let falling = try #require(ScalabilityFit([(2, 1.0), (4, 0.8), (8, 0.5)]))
        #expect(falling.contention >= 0 && falling.coherency >= 0)
    }
}
