import LabCore
import Testing

@testable import LabReport

/// The gate's false alarms and the slowdowns it catches, from draws of one run's repetitions.
@Suite struct GateSensitivityTests {
    /// `count` repetitions of two cells around 100 ms, spread by `spread` (0.01: 1%), in a
    /// fixed pattern.
    func records(count: Int, spread: Double) -> [RepetitionRecord] {
        var random = DeterministicRandom(seed: 7)
        return [ExecutionMode.sequential, .threads].flatMap { mode in
            (1...count).map { index in
                var record = sampleRecord(mode: mode, workers: mode == .sequential ? 1 : 2, wall: 0.1)
                let unit = Double(random.next() % 10_000) / 10_000 - 0.5
                record.wallSeconds = 0.1 * (1 + spread * 2 * unit)
                record.repetition = index
                return record
            }
        }
    }

    @Test("a quiet machine: no false alarms, and more repetitions catch smaller slowdowns")
    func quiet() throws {
        let sensitivity = GateSensitivity(
            records: records(count: 40, spread: 0.01), percent: 2, repetitions: [5, 10, 20], draws: 60)
        #expect(sensitivity.rows.map(\.repetitions) == [5, 10, 20])
        #expect(sensitivity.rows.allSatisfy { $0.falseAlarmRate <= 0.05 }, "\(sensitivity.rows.map(\.falseAlarmRate))")
        let caught = sensitivity.rows.map { $0.smallestCaught ?? 1 }
        #expect(caught[2] <= caught[0], "\(caught)")
        #expect(caught[2] <= 0.05, "\(caught)")
        #expect(sensitivity.text.contains("repetitions  false alarms  slowdown caught 80% of the time"))
    }

    @Test("a noisy machine catches only large slowdowns, and a count without room in the run is left out")
    func noisy() {
        let sensitivity = GateSensitivity(
            records: records(count: 10, spread: 0.3), percent: 2, repetitions: [5, 10], draws: 60)
        #expect(sensitivity.rows.map(\.repetitions) == [5], "10 a side needs 20 repetitions")
        #expect(
            (sensitivity.rows.first?.smallestCaught ?? 1) >= 0.1,
            "\(String(describing: sensitivity.rows.first?.smallestCaught))")
        #expect(sensitivity.recommended(slowdown: 0.05) == nil)
    }

    @Test(
        "two runs: the drift between them counts as false alarms, which draws of one run cannot see, and only shared repetitions are drawn"
    )
    func twoRuns() throws {
        let first = records(count: 20, spread: 0.01)
        // The same build measured later on a machine 3% slower: beyond the 2% allowed.
        let drifted = first.map { record in
            var record = record
            record.wallSeconds *= 1.03
            return record
        }
        let apart = GateSensitivity(
            baseline: first, candidate: drifted, percent: 2, repetitions: [5, 10, 25], draws: 40)
        #expect(apart.twoRuns && apart.rows.map(\.repetitions) == [5, 10], "25 is more than the runs share")
        #expect(apart.rows.allSatisfy { $0.falseAlarmRate >= 0.5 }, "\(apart.rows.map(\.falseAlarmRate))")
        #expect(
            apart.text.contains("(draws of the same repetitions from two runs, baseline and candidate)"),
            "\(apart.text)")
        let within = GateSensitivity(
            records: first
                + drifted.map { record in
                    var record = record
                    record.repetition += 20
                    return record
                }, percent: 2, repetitions: [5, 10], draws: 40)
        #expect(within.rows.allSatisfy { $0.falseAlarmRate < 0.5 }, "\(within.rows.map(\.falseAlarmRate))")
        // The same run against itself: every draw is the same repetitions on both sides.
        let itself = GateSensitivity(baseline: first, candidate: first, percent: 2, repetitions: [5], draws: 40)
        #expect(itself.rows.first?.falseAlarmRate == 0)
        // Repetition numbers only one side has are not drawn.
        let fewer = GateSensitivity(
            baseline: first, candidate: first.filter { $0.repetition <= 6 }, percent: 2, repetitions: [5, 10], draws: 10
        )
        #expect(fewer.repetitionsMeasured == 6 && fewer.rows.map(\.repetitions) == [5])
    }
}
