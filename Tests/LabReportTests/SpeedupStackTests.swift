import LabCore
import Testing

@testable import LabReport

/// The gap between a parallel cell's ideal time and its measured one, cut into parts that
/// add up to it.
@Suite struct SpeedupStackTests {
    /// Three repetitions of a cell with the given parts (work the rest of the wall time).
    func cell(
        _ mode: ExecutionMode, wall: Double, startup: Double = 0, exchange: Double = 0, idle: Double = 0,
        teardown: Double = 0, residual: Double = 0, waiting: Double? = nil
    ) -> [RepetitionRecord] {
        (0..<3).map { index in
            var record = sampleRecord(mode: mode, workers: mode == .sequential ? 1 : 2, wall: wall)
            record.repetition = index + 1
            record.breakdown = TimeBreakdown(
                startupSeconds: startup, workSeconds: wall - startup - exchange - idle - teardown - residual,
                exchangeSeconds: exchange,
                idleSeconds: idle, teardownSeconds: teardown, residualSeconds: residual)
            if let waiting {
                let lanes = Double(mode == .sequential ? 1 : 2)
                record.counters.lanes = SchedulerCounters(runningSeconds: wall * lanes, waitingSeconds: waiting * lanes)
            }
            return record
        }
    }

    /// Unit costs in round figures: a fault 2 us, a pipe 1,024 MiB/s, a claim
    /// 40 us and a task 2 us over the pipe (the sequential lane's own 1 us out of both), an
    /// empty worker's 1,000 faults.
    static let costs = UnitCosts(
        source: "test",
        measurements: [
            .init(measurement: "minor_fault_anonymous", value: 2, unit: "us"),
            .init(measurement: "pipe_bandwidth", value: 1024, unit: "MiB/s"),
            .init(measurement: "task_cost_sequential", value: 1, unit: "us"),
            .init(measurement: "task_cost_processes", value: 43, unit: "us"),
            .init(measurement: "task_cost_processes_batch_64", value: 3, unit: "us"),
            .init(measurement: "worker_minor_faults_spawn", value: 1000, unit: "faults"),
        ])

    @Test("the parts add up to the gap, and the speedup each lost adds up to ideal less achieved")
    func addsUp() throws {
        let records =
            cell(.sequential, wall: 1.0, exchange: 0.02, residual: 0.001, waiting: 0.01)
            + cell(
                .processes, wall: 0.62, startup: 0.03, exchange: 0.05, idle: 0.02, teardown: 0.01, residual: 0.002,
                waiting: 0.015)
            + cell(.threads, wall: 0.5, exchange: 0.01, residual: 0.0005)
        let stacks = SpeedupStack.stacks(
            of: CellSummary.summarize(records), context: SpeedupStack.Context(costs: nil, batch: .fixed(1)))
        #expect(stacks.map(\.label) == ["processes x2", "threads x2"])
        let processes = try #require(stacks.first)
        #expect(abs(processes.idealSeconds - 0.5) < 1e-12 && abs(processes.measuredSeconds - 0.62) < 1e-12)
        let sum = processes.parts.map(\.seconds).reduce(0, +)
        #expect(abs(sum - processes.gapSeconds) < 1e-12, "\(processes.parts)")
        let lost = processes.parts.map(\.lostSpeedup).reduce(0, +)
        #expect(abs(lost - (processes.idealSpeedup - processes.achievedSpeedup)) < 1e-12)
        let part = processes.seconds(of:)
        // The cell's part less the sequential cell's over two workers.
        #expect(abs(part("startup") - 0.03) < 1e-12)
        #expect(abs(part("idle") - 0.02) < 1e-12 && abs(part("teardown") - 0.01) < 1e-12)
        #expect(abs(part("waiting") - (0.015 - 0.005)) < 1e-12)
        // Without unit costs nothing is priced: the exchange is all unaccounted for.
        #expect(part("bytes") == 0 && part("handouts") == 0 && part("faults") == 0)
        #expect(abs(part("residual") - ((0.05 - 0.01) + (0.002 - 0.0005))) < 1e-12)
        // Work: 0.62 - 0.112 = 0.508 against 0.979 / 2 = 0.4895, less the waiting.
        #expect(abs(part("task_slowdown") - (0.508 - 0.4895 - 0.01)) < 1e-12)
        // threads x2 added nothing to the sequential cell's parts over two lanes.
        let threads = try #require(stacks.last)
        #expect(
            threads.sentence() == "threads x2: 2.00x instead of 2.00x: nothing lost beyond 0.01x",
            "\(threads.sentence())")
        let sentence = processes.sentence()
        #expect(
            sentence.hasPrefix(
                "processes x2: 1.61x instead of 2.00x: not accounted for 0.13x (41.5 ms), start-up 0.10x (30.0 ms)"),
            "\(sentence)")
        #expect(
            sentence.contains("imbalance and tail 0.06x (20.0 ms)") && sentence.contains("teardown 0.03x (10.0 ms)"),
            "\(sentence)")
    }

    @Test(
        "unit costs price the bytes, the hand-outs and the faults, out of the exchange and the work; the parts still add up"
    )
    func priced() throws {
        var records =
            cell(.sequential, wall: 1.0, exchange: 0.02, residual: 0.001, waiting: 0.01)
            + cell(
                .processes, wall: 0.62, startup: 0.03, exchange: 0.05, idle: 0.02, teardown: 0.01, residual: 0.002,
                waiting: 0.015)
        for index in records.indices {
            let processes = records[index].mode == .processes
            records[index].tasks = 128
            records[index].bytesToWorkers = processes ? 16 << 20 : 0
            records[index].bytesFromWorkers = processes ? 4 << 20 : 0
            records[index].counters.coordinatorMinorFaults = processes ? 600 : 500
            records[index].counters.workersMinorFaults = processes ? 2_000 + 5_000 : 0
        }
        let stacks = SpeedupStack.stacks(
            of: CellSummary.summarize(records), context: SpeedupStack.Context(costs: Self.costs, batch: .automatic))
        let stack = try #require(stacks.first)
        let part = stack.seconds(of:)
        // 20 MiB at 1,024 MiB a second, over two lanes.
        let bytes = 20.0 / 1024 / 2
        #expect(abs(part("bytes") - bytes) < 1e-12, "\(part("bytes"))")
        #expect(stack.words(for: "bytes") == "moving 20.0 MiB")
        // auto: 128 tasks on 2 workers, 4 to a claim (16 claims a worker), 32 claims: claims
        // at 40 us and tasks at 2 us (the sequential lane's 1 us out), over two lanes.
        #expect(stack.handouts == 32 && stack.words(for: "handouts") == "32 wake-ups")
        #expect(abs(part("handouts") - (32 * 40e-6 + 128 * 2e-6) / 2) < 1e-12, "\(part("handouts"))")
        // 600 + 7,000 faults against 500, less two empty workers' 1,000: 5,100 at 2 us, over two lanes.
        #expect(stack.extraFaults == 5_100)
        #expect(abs(part("faults") - 5_100 * 2e-6 / 2) < 1e-12)
        #expect(stack.words(for: "faults") == "5,100 more page faults")
        #expect(abs(part("task_slowdown") - (0.508 - 0.4895 - 0.01 - 0.0051)) < 1e-12)
        #expect(
            abs(part("residual") - ((0.05 - 0.01) + (0.002 - 0.0005) - bytes - 0.000768)) < 1e-12, "\(part("residual"))"
        )
        #expect(abs(stack.parts.map(\.seconds).reduce(0, +) - stack.gapSeconds) < 1e-12)
        let sentence = stack.sentence()
        #expect(
            sentence.contains("moving 20.0 MiB 0.03x (9.8 ms)")
                && sentence.contains("5,100 more page faults 0.02x (5.1 ms)"), "\(sentence)")
    }

    @Test(
        "stack.csv has a row per parallel cell and part, and no stack without a sequential cell, a breakdown or the same work"
    )
    func fileAndLimits() {
        let records =
            cell(.sequential, wall: 1.0) + cell(.processes, wall: 0.6, startup: 0.05) + cell(.async, wall: 0.55)
        let stacks = SpeedupStack.stacks(of: CellSummary.summarize(records), context: SpeedupStack.Context(nil))
        let rows = (try? CSV.parse(SpeedupStack.csv(stacks))) ?? []
        #expect(rows.first == SpeedupStack.header)
        #expect(rows.count == 1 + 2 * SpeedupStack.partNames.count, "\(rows.count)")
        #expect(rows.dropFirst().allSatisfy { $0.count == SpeedupStack.header.count })
        #expect(
            rows[1][3] == "processes" && rows[1][5] == "processes x2" && rows[1][12] == "startup"
                && rows[1][13] == "0.050000" && rows[1][9] == "" && rows[1][15] == "", "\(rows[1])")
        // No sequential cell: nothing to stand on.
        #expect(
            SpeedupStack.stacks(
                of: CellSummary.summarize(cell(.threads, wall: 0.5)), context: SpeedupStack.Context(nil)
            ).isEmpty)
        // No breakdown (a run of 0.3.0): no stack.
        let old = (cell(.sequential, wall: 1.0) + cell(.threads, wall: 0.5)).map { record in
            var record = record
            record.breakdown = nil
            return record
        }
        #expect(SpeedupStack.stacks(of: CellSummary.summarize(old), context: SpeedupStack.Context(nil)).isEmpty)
        // A cell that did other work than the sequential one (its checksum differs): no stack.
        let other =
            cell(.sequential, wall: 1.0)
            + cell(.threads, wall: 0.5).map { record in
                var record = record
                record.checksum = 0xcd
                return record
            }
        #expect(SpeedupStack.stacks(of: CellSummary.summarize(other), context: SpeedupStack.Context(nil)).isEmpty)
        // The chart: a bar per parallel cell, or none at all.
        let chart = StackChart().render(stacks) ?? ""
        #expect(
            chart.hasPrefix("<svg") && chart.contains(">processes x2</text>") && chart.contains(">async x2</text>"),
            "\(chart)")
        #expect(StackChart().render([]) == nil)
    }

    @Test("scale-stack.svg: per mode an area per part over the worker counts, or nothing with fewer than two counts")
    func areas() throws {
        let sequential = cell(.sequential, wall: 1.0)
        let wider = cell(.threads, wall: 0.3, startup: 0.02, idle: 0.03).map { record in
            var record = record
            record.workers = 4
            return record
        }
        let stacks = SpeedupStack.stacks(
            of: CellSummary.summarize(sequential + cell(.threads, wall: 0.55, startup: 0.01) + wider),
            context: SpeedupStack.Context(nil))
        #expect(stacks.map(\.label) == ["threads x2", "threads x4"])
        let chart = try #require(StackAreaChart().render(stacks))
        #expect(
            chart.hasPrefix("<svg") && chart.hasSuffix("</svg>\n") && chart.contains(">threads</text>")
                && chart.contains(">x4</text>"))
        // Start-up and idle lost at both counts: an area each, and the dashed line of the whole gap.
        #expect(
            chart.components(separatedBy: "<polygon").count - 1 >= 2 && chart.contains("stroke-dasharray"), "\(chart)")
        #expect(StackAreaChart().render(Array(stacks.prefix(1))) == nil)
    }
}
