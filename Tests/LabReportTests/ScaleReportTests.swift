import LabCore
import Testing

@testable import LabReport

@Suite struct ScaleReportTests {
    /// Five repetitions of a cell, walls spread by 1% around `wall`.
    /// `waiting`: each lane's time waiting for a core as a share of the wall time.
    func cell(
        _ mode: ExecutionMode, workers: Int, wall: Double, units: UInt64 = 1000, waiting: Double? = nil
    ) -> [RepetitionRecord] {
        (0..<5).map { index in
            RepetitionRecord(
                runID: "scale", workload: "primes", kind: .cpu, parameters: "limit=1000", mode: mode, workers: workers,
                tasks: 8,
                repetition: index + 1, wallSeconds: wall * (0.98 + 0.01 * Double(index)), startupSeconds: 0,
                tasksPerSecond: 0, checksum: 7,
                status: .ok, error: nil,
                breakdown: TimeBreakdown(
                    startupSeconds: 0, workSeconds: wall * 0.8, exchangeSeconds: wall * 0.1, idleSeconds: wall * 0.1,
                    teardownSeconds: 0,
                    residualSeconds: 0),
                units: units,
                counters: RepetitionCounters(
                    lanes: waiting.map {
                        SchedulerCounters(
                            runningSeconds: wall, waitingSeconds: $0 * wall * Double(workers), migrations: 0)
                    }))
        }
    }

    @Test("the default worker counts are the powers of two up to four times the cores, and the core count")
    func defaultWorkers() {
        #expect(ScaleReport.defaultWorkerCounts(cores: 2) == [1, 2, 4, 8])
        #expect(ScaleReport.defaultWorkerCounts(cores: 6) == [1, 2, 4, 6, 8, 16])
        #expect(ScaleReport.defaultWorkerCounts(cores: 1) == [1, 2, 4])
    }

    @Test("Karp-Flatt: a perfect speedup has no serial part, 1.5x on 2 workers a third, one worker none to tell")
    func karpFlatt() throws {
        #expect(ScaleReport.karpFlatt(speedup: 2, workers: 2) == 0)
        #expect(abs(try #require(ScaleReport.karpFlatt(speedup: 1.5, workers: 2)) - 1.0 / 3) < 1e-12)
        #expect(ScaleReport.karpFlatt(speedup: 1, workers: 1) == nil)
    }

    @Test("each point's speedup, interval, efficiency, serial fraction, throughput and shares")
    func points() throws {
        let records =
            cell(.sequential, workers: 1, wall: 1.0) + cell(.threads, workers: 1, wall: 1.0)
            + cell(.threads, workers: 2, wall: 0.5)
            + cell(.threads, workers: 4, wall: 0.5, waiting: 0.5) + cell(.processes, workers: 2, wall: 0.8)
        let report = ScaleReport(records: records, cores: 2)
        #expect(
            report.points.map { "\($0.mode.rawValue) x\($0.workers)" } == [
                "sequential x1", "threads x1", "threads x2", "threads x4", "processes x2",
            ])
        let two = report.points[2]
        #expect(abs(try #require(two.speedup) - 2) < 1e-9)
        let interval = try #require(two.speedupInterval)
        #expect(interval.lowerBound < 2 && interval.upperBound > 2)
        #expect(abs(try #require(two.efficiency) - 1) < 1e-9)
        #expect(abs(try #require(two.serialFraction)) < 1e-9)
        // 4 workers on 2 cores, no faster than 2: as if a third of the work were serial.
        #expect(abs(try #require(report.points[3].serialFraction) - 1.0 / 3) < 1e-9)
        #expect(abs(try #require(report.points[3].efficiency) - 0.5) < 1e-9)
        #expect(abs(try #require(two.tasksPerSecond) - 16) < 1e-9)
        #expect(abs(try #require(two.unitsPerSecond) - 2000) < 1e-9)
        #expect(abs(try #require(two.idleShare) - 0.1) < 1e-9)
        #expect(abs(try #require(two.exchangeShare) - 0.1) < 1e-9)
        #expect(report.points[0].speedupInterval == nil)
        let csv = try CSV.parse(report.csv)
        #expect(
            csv.first == [
                "mode", "workers", "transport", "n", "wall_median_s", "tasks_per_s", "units_per_s", "speedup_x",
                "speedup_ci95_low_x",
                "speedup_ci95_high_x", "efficiency", "karp_flatt_serial_fraction", "idle_share", "exchange_share",
                "lane_waiting_share",
            ])
        #expect(csv.count == 6 && csv[5][2] == "pipe" && csv[3][7] == "2.000")
        for line in report.asciiChart.split(separator: "\n") {
            #expect(line.count <= 100 && line.allSatisfy(\.isASCII), "\(line)")
        }
        #expect(report.asciiChart.contains("x2   threads   ") && report.asciiChart.contains("2.00x ["))
        #expect(
            report.findings.contains("threads: best 2.00x at 2 workers (efficiency 1.00, serial fraction 0.000)"),
            "\(report.findings)")
        // Past the cores, the scheduler's own figure says why, not a serial fraction.
        #expect(abs(try #require(report.points[3].waitingShare) - 0.5) < 0.02)
        #expect(report.findings.contains("; each thread waited for a core 50% of the time there"), "\(report.findings)")
        let svg = report.svg
        // A line per pooled mode and the ideal, error bars, no script.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.contains("stroke-dasharray") && svg.contains(">ideal</text>") && !svg.contains("<script"))
    }

    @Test(
        "past the cores, async tasks in flight are said to share the cooperative pool's threads, not called a serial fraction"
    )
    func asyncPastTheCores() {
        let records =
            cell(.sequential, workers: 1, wall: 1.0) + cell(.async, workers: 2, wall: 0.6)
            + cell(.async, workers: 4, wall: 0.5)
        let findings = ScaleReport(records: records, cores: 2).findings
        #expect(
            findings.contains(
                "async: best 2.00x at 4 workers (efficiency 0.50; 4 tasks in flight share the cooperative pool's threads, one per core)"
            ), "\(findings)")
        #expect(!findings.contains("serial fraction"))
    }
}
