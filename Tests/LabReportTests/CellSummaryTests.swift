import LabCore
import Testing

@testable import LabReport

@Suite struct CellSummaryTests {
    let records =
        [0.6, 0.62, 0.58].map { sampleRecord(mode: .sequential, workers: 1, wall: $0) }
        + [0.3, 0.31, 0.29].map { sampleRecord(mode: .threads, wall: $0) }
        + [0.4, 0.4, 0.9].map { sampleRecord(mode: .processes, wall: $0, status: $0 > 0.5 ? .failed : .ok, error: "x") }

    @Test("one row per cell with its median, speedup and efficiency against sequential")
    func cells() throws {
        let cells = CellSummary.summarize(records)
        #expect(cells.map(\.label) == ["sequential", "threads x2", "processes x2"])
        let threads = cells[1]
        #expect(threads.succeeded == 3 && threads.failed == 0)
        #expect(abs(try #require(threads.wallMedian) - 0.3) < 1e-12)
        #expect(abs(try #require(threads.speedup) - 2.0) < 1e-9)
        #expect(abs(try #require(threads.efficiency) - 1.0) < 1e-9)
        // CPU: 0.25 user + 0.125 system for the coordinator, per sampleRecord.
        #expect(abs(try #require(threads.cpuUtilisation) - 0.375 / 0.3) < 1e-9)
        let processes = cells[2]
        #expect(processes.succeeded == 2 && processes.failed == 1)
        #expect(processes.wallMedian == 0.4)
        #expect(processes.warning?.contains("1 failed repetition") == true)
    }

    @Test("summary.csv has one header and one row per cell, units in the names")
    func file() throws {
        let text = SummaryColumn.csv(CellSummary.summarize(records))
        let rows = try CSV.parse(text)
        #expect(rows.count == 4)
        #expect(rows[0].contains("wall_ci95_low_s") && rows[0].contains("speedup") && rows[0].contains("efficiency"))
        let threads = rows[2]
        #expect(threads[SummaryColumn.allCases.firstIndex(of: .speedup)!] == "2.000")
        #expect(threads[SummaryColumn.allCases.firstIndex(of: .wallMedian)!] == "0.300000")
    }

    @Test("a wide spread is warned about, a tight one is not")
    func warnings() {
        let tight = CellSummary.summarize(
            [1.0, 1.01, 0.99, 1.02, 0.98].map { sampleRecord(mode: .sequential, workers: 1, wall: $0) })
        #expect(tight[0].warning == nil)
        let wide = CellSummary.summarize([1.0, 2.0, 0.5].map { sampleRecord(mode: .sequential, workers: 1, wall: $0) })
        #expect(wide[0].warning?.contains("95% CI is +/-") == true)
        // A straggler a hair outside Tukey's fences is counted but not warned about...
        let straggler = CellSummary.summarize(
            [0.6005, 0.6006, 0.6007, 0.6007, 0.6015].map { sampleRecord(mode: .sequential, workers: 1, wall: $0) })
        #expect(straggler[0].outliers == 1 && straggler[0].warning == nil)
        // ...one far from the median is.
        let far = CellSummary.summarize(
            [1.0, 1.0, 1.01, 0.99, 1.0, 1.0, 1.01, 0.99, 1.5].map {
                sampleRecord(mode: .sequential, workers: 1, wall: $0)
            })
        #expect(far[0].warning?.contains("1 outlier more than 10% from the median") == true)
    }
}
