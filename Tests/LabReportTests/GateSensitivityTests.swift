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
        let sensitivity = GateSensitivity(records: records(count: 40, spread: 0.01), percent: 2, repetitions: [5, 10, 20], draws: 60)
        #expect(sensitivity.rows.map(\.repetitions) == [5, 10, 20])
        #expect(sensitivity.rows.allSatisfy { $0.falseAlarmRate <= 0.05 }, "\(sensitivity.rows.map(\.falseAlarmRate))")
        let caught = sensitivity.rows.map { $0.smallestCaught ?? 1 }
        #expect(caught[2] <= caught[0], "\(caught)")
        #expect(caught[2] <= 0.05, "\(caught)")
        #expect(sensitivity.text.contains("repetitions  false alarms  slowdown caught 80% of the time"))
    }

    @Test("a noisy machine catches only large slowdowns, and a count without room in the run is left out")
    func noisy() {
        let sensitivity = GateSensitivity(records: records(count: 10, spread: 0.3), percent: 2, repetitions: [5, 10], draws: 60)
        #expect(sensitivity.rows.map(\.repetitions) == [5], "10 a side needs 20 repetitions")
        #expect((sensitivity.rows.first?.smallestCaught ?? 1) >= 0.1, "\(String(describing: sensitivity.rows.first?.smallestCaught))")
        #expect(sensitivity.recommended(slowdown: 0.05) == nil)
    }
}
