import LabCore
import Testing

@testable import LabReport

/// A comparison answers "same", "slower" or "faster", or says it cannot tell, and what would
/// tell; the gate's exit status follows (issue 34: a median 1.83x slower once read "no
/// significant change").
@Suite struct ThreeAnswersTests {
    func records(_ walls: [Double], mode: ExecutionMode = .threads) -> [RepetitionRecord] {
        walls.map { sampleRecord(mode: mode, wall: $0) }
    }

    static let normal = [0.095, 0.0955, 0.0948, 0.0952, 0.0957]
    /// Three of five repetitions of both pools at 174 ms instead of 95: the two vCPUs ran slower together.
    static let bimodal = [0.0952, 0.174, 0.0951, 0.1738, 0.1742]

    @Test("repetitions in two places are found; noise around one place and a lone outlier are not")
    func bimodalSplit() throws {
        let split = try #require(Statistics.bimodalSplit(Self.bimodal))
        #expect(split.low.count == 2 && split.high.count == 3)
        #expect(Statistics.bimodalSplit(Self.normal) == nil)
        #expect(
            Statistics.bimodalSplit([0.095, 0.096, 0.094, 0.095, 0.174]) == nil,
            "one slow repetition is an outlier, not a second place")
        #expect(Statistics.bimodalSplit([0.1, 0.2, 0.3]) == nil)
        #expect(Statistics.bimodalSplit([1, 1.1, 1.2, 1.3, 1.4, 1.5]) == nil, "a spread without a gap")
    }

    @Test(
        "a median 1.83x slower in two places is 'cannot tell', never 'no significant change', and the gate says so with exit 4"
    )
    func bimodalCandidate() throws {
        let comparison = RunComparison(baseline: records(Self.normal), candidate: records(Self.bimodal))
        let match = try #require(comparison.matches.first)
        #expect(match.answer(threshold: 0.05) == .cannotTell)
        #expect(
            match.verdict.hasPrefix(
                "cannot tell: medians 1.83x slower, but the candidate's repetitions fall in two places (2 near 95.2 ms, 3 near 174 ms)"
            ), "\(match.verdict)")
        let regressions = comparison.regressions(slowerThanPercent: 5)
        let undecided = comparison.undecided(slowerThanPercent: 5, regressions: regressions)
        #expect(regressions.isEmpty || undecided.isEmpty)
        #expect(comparison.gateStatus(regressions: regressions, undecided: undecided, missingFail: true) != 0)
        #expect(
            comparison.renderUndecided(undecided, percent: 5, allowMissing: false).contains("cannot be told at 5%")
                == !undecided.isEmpty)
    }

    @Test(
        "medians apart by more than the threshold with overlapping intervals cannot be told, with the repetitions that would tell; within it they are the same"
    )
    func overlapping() throws {
        let base = [1.0, 1.2, 0.8, 1.1, 0.9]
        let moved = RunComparison(baseline: records(base), candidate: records(base.map { $0 * 1.1 }))
        let match = try #require(moved.matches.first)
        #expect(match.isSignificant == false)
        #expect(match.answer(threshold: 0.05) == .cannotTell && match.answer(threshold: 0.2) == .same)
        let needed = try #require(match.repetitionsToTell)
        #expect(needed > 5 && needed < 10_000, "\(needed)")
        #expect(
            match.verdict
                == "cannot tell: medians 1.10x slower, but the intervals overlap; about \(needed) repetitions a side would tell"
        )
        let regressions = moved.regressions(slowerThanPercent: 5)
        let undecided = moved.undecided(slowerThanPercent: 5, regressions: regressions)
        #expect(regressions.isEmpty && undecided.count == 1)
        #expect(moved.gateStatus(regressions: regressions, undecided: undecided, missingFail: true) == 4)
        // At a threshold the move does not reach, the cell is the same and the gate passes.
        #expect(moved.undecided(slowerThanPercent: 20, regressions: moved.regressions(slowerThanPercent: 20)).isEmpty)
        // Faster beyond the threshold with overlapping intervals cannot be told either, but never holds up a gate.
        let faster = RunComparison(baseline: records(base), candidate: records(base.map { $0 / 1.1 }))
        #expect(faster.matches[0].answer(threshold: 0.05) == .cannotTell)
        #expect(faster.undecided(slowerThanPercent: 5, regressions: []).isEmpty)
    }

    @Test("a cell of the baseline missing from the candidate fails the gate, unless allowed")
    func missing() {
        let comparison = RunComparison(
            baseline: records(Self.normal) + records(Self.normal, mode: .processes), candidate: records(Self.normal))
        #expect(comparison.onlyInBaseline.map(\.label) == ["processes x2"])
        let regressions = comparison.regressions(slowerThanPercent: 5)
        #expect(regressions.isEmpty)
        #expect(comparison.gateStatus(regressions: regressions, undecided: [], missingFail: true) == 1)
        #expect(comparison.gateStatus(regressions: regressions, undecided: [], missingFail: false) == 0)
        #expect(
            comparison.renderUndecided([], percent: 5, allowMissing: false).contains(
                "1 cell is in the baseline and not in the candidate, which fails the gate"))
        #expect(comparison.renderUndecided([], percent: 5, allowMissing: true).contains("allowed (--allow-missing)"))
    }
}
