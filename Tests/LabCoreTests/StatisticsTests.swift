import Testing

@testable import LabCore

@Suite struct StatisticsTests {
    @Test("median of odd, even and empty lists")
    func median() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
    }

    // Values computed by hand for 1, 2, 3, 4, 5: mean 3, s = sqrt(2.5) = 1.5811388,
    // t(0.975, 4) = 2.776, half-width 2.776 * 1.5811388 / sqrt(5) = 1.9629 (to 4 places).
    @Test("mean, standard deviation and the t-interval of 1...5")
    func oneToFive() throws {
        let values: [Double] = [5, 3, 1, 4, 2]
        #expect(Statistics.mean(values) == 3)
        #expect(abs(try #require(Statistics.standardDeviation(values)) - 1.581_138_8) < 1e-6)
        let interval = try #require(Statistics.confidenceInterval95(values))
        #expect(abs(interval.lowerBound - 1.037_071) < 1e-4)
        #expect(abs(interval.upperBound - 4.962_929) < 1e-4)
        #expect(Statistics.median(values) == 3)
    }

    @Test("quantiles interpolate linearly between order statistics (R type 7)")
    func quantiles() {
        #expect(Statistics.quantile([10, 20, 30, 40], 0.25) == 17.5)
        #expect(Statistics.quantile([10, 20, 30, 40], 0.5) == 25)
        #expect(Statistics.quantile([7], 0.9) == 7)
        #expect(Statistics.quantile([], 0.5) == nil)
    }

    @Test("Tukey's fences find the one wild value")
    func outliers() {
        // Q1 = 2, Q3 = 4, IQR = 2: fences at -1 and 7.
        #expect(Statistics.outlierCount([1, 2, 3, 4, 100]) == 1)
        #expect(Statistics.outlierCount([1, 2, 3, 4, 5]) == 0)
        #expect(Statistics.outlierCount([1, 100, 1]) == 0)
    }

    // Reference values from SciPy 1.x, mannwhitneyu(first, second, alternative="less"),
    // exact for the first three and asymptotic with continuity correction for the tied one.
    @Test(
        "the Mann-Whitney U test gives SciPy's statistic and one-sided p-value, exact and with ties",
        arguments: [
            ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 25.0, 0.003_968_253_968),
            ([1, 2, 3], [4, 5, 6], 9.0, 0.05),
            ([1.2, 3.4, 2.2, 5.1, 0.4, 7.7], [2.0, 6.1, 8.2, 9.9, 3.3, 4.4, 5.5], 31.0, 0.090_326_340_326),
            ([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5], 24.5, 0.044_356_845_998),
        ] as [([Double], [Double], Double, Double)])
    func mannWhitney(first: [Double], second: [Double], u: Double, p: Double) throws {
        let result = try #require(Statistics.mannWhitneyGreater(first, second))
        #expect(result.u == u)
        #expect(abs(result.p - p) < 1e-9, "\(result.p)")
        // The other direction: no evidence at all that the first sample is the larger.
        #expect(try #require(Statistics.mannWhitneyGreater(second, first)).p > 0.9)
        #expect(Statistics.mannWhitneyGreater([], second) == nil)
    }

    // Reference values from SciPy 1.x, scipy.stats.t.ppf(probability, df).
    @Test(
        "Student's t quantiles match SciPy's, from the 95% interval to a Bonferroni-corrected one",
        arguments: [
            (0.975, 4, 2.776_445_105_197_793), (1 - 0.05 / 96, 4, 8.518_950_672_778_011),
            (0.999, 10, 4.143_700_494_046_589),
            (0.9995, 2, 31.599_054_576_445_365), (0.95, 1, 6.313_751_514_675_037),
            (1 - 0.05 / 96, 9, 4.751_727_941_985_726),
            (0.99, 100, 2.364_217_366_238_481),
        ] as [(Double, Int, Double)])
    func tQuantiles(probability: Double, degreesOfFreedom: Int, expected: Double) {
        let found = Statistics.studentTQuantile(probability, degreesOfFreedom: degreesOfFreedom)
        #expect(abs(found - expected) < 1e-6 * expected, "\(found)")
    }

    @Test("the interval at a level widens with the level; at 95% it is the tabled one")
    func intervalAtLevel() throws {
        let values = [1.0, 2, 3, 4, 5]
        let table = try #require(Statistics.confidenceInterval95(values))
        let computed = try #require(Statistics.confidenceInterval(values, level: 0.95))
        #expect(
            abs(computed.lowerBound - table.lowerBound) < 1e-3 && abs(computed.upperBound - table.upperBound) < 1e-3)
        let wide = try #require(Statistics.confidenceInterval(values, level: 1 - 0.05 / 48))
        #expect(wide.lowerBound < computed.lowerBound && wide.upperBound > computed.upperBound)
        #expect(Statistics.confidenceInterval([1], level: 0.99) == nil)
    }

    @Test("Holm's adjustment multiplies the k-th smallest p-value by the count left and keeps the order")
    func holm() {
        // By hand: sorted 0.005, 0.01, 0.03, 0.04, 0.5 -> 0.025, 0.04, 0.09, max(0.09, 0.08), 0.5.
        let adjusted = Statistics.holmAdjusted([0.01, 0.04, 0.03, 0.005, 0.5])
        let expected = [0.04, 0.09, 0.09, 0.025, 0.5]
        #expect(zip(adjusted, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(adjusted)")
        #expect(Statistics.holmAdjusted([]) == [])
        #expect(Statistics.holmAdjusted([0.9, 0.8]) == [1, 1])
        // The smallest rank-test p-value of 5 against 5 values is 1/252 (SciPy's exact p above).
        #expect(abs(Statistics.smallestRankP(m: 5, n: 5) - 0.003_968_253_968) < 1e-12)
        #expect(abs(Statistics.smallestRankP(m: 3, n: 3) - 0.05) < 1e-12)
    }

    @Test("too few values give no spread and no interval")
    func degenerate() {
        #expect(Statistics.standardDeviation([1]) == nil)
        #expect(Statistics.confidenceInterval95([1]) == nil)
        #expect(Statistics.mean([]) == nil)
        #expect(Statistics.studentT975(degreesOfFreedom: 1) == 12.706)
        #expect(Statistics.studentT975(degreesOfFreedom: 1000) == 1.96)
    }
}
