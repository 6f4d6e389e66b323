import LabCore
import Testing

@testable import LabReport

@Suite struct ExplanationTests {
    /// Three repetitions of a cell, walls a millisecond apart, every one with `parts` (work
    /// taking up the rest of the wall time).
    func cell(
        _ mode: ExecutionMode, wall: Double, startup: Double = 0.001, exchange: Double = 0, idle: Double = 0,
        teardown: Double = 0
    ) -> [RepetitionRecord] {
        (0..<3).map { index in
            var record = sampleRecord(
                mode: mode, workers: mode == .sequential ? 1 : 2, wall: wall + Double(index) * 0.001)
            record.repetition = index + 1
            record.bytesToWorkers = mode == .processes ? 64 << 20 : 0
            record.breakdown = TimeBreakdown(
                startupSeconds: startup, workSeconds: record.wallSeconds - startup - exchange - idle - teardown,
                exchangeSeconds: exchange,
                idleSeconds: idle, teardownSeconds: teardown, residualSeconds: 0)
            return record
        }
    }

    @Test("the fastest cell, and the two parts that grew most in each slower one, with shares and times")
    func reasons() {
        let records =
            cell(.sequential, wall: 1.0, startup: 0) + cell(.threads, wall: 0.5, idle: 0.1)
            + cell(.processes, wall: 0.8, startup: 0.2, exchange: 0.1, teardown: 0.002)
        // A pipe at 1,024 MiB a second: 64 MiB over two lanes is 31.25 ms of the exchange's 100.
        // The prediction: the ideal 0.5 s, three equal tasks on two lanes (one lane runs two:
        // 167 ms of tail) and, for processes, the 31.25 ms of bytes.
        let costs = UnitCosts(
            source: "test", measurements: [.init(measurement: "pipe_bandwidth", value: 1024, unit: "MiB/s")])
        let text = Explanation(
            summaries: CellSummary.summarize(records), records: records,
            stackContext: SpeedupStack.Context(costs: costs, batch: .fixed(1))
        ).render()
        #expect(
            text == """
                sleep (io), seconds=0.3,0.2,0.1, 3 tasks
                  Fastest: threads x2, 2.00 times as fast as sequential (0.501 s against 1.001 s).
                  Even so, its lanes had nothing to do for 20% of its time (100 ms per lane): the tail, while the last tasks ran on the other lanes.
                  sequential took 2.00 times as long as threads x2: running the tasks (on 1 lane instead of 2) took 100% of its time (1.001 s; 0.400 s in threads x2).
                  processes x2 took 1.60 times as long as threads x2: starting 2 worker processes took 25% of its time (200.0 ms; 1.0 ms in threads x2); handing tasks to the workers and results back through pipes, wake-ups included (64.0 MiB to the workers, 0.3 KiB back) took 12% of its time (100 ms; 0 ms in threads x2).
                  Why not the ideal speedup (sequential time over the workers; each part's speedup lost and time, stack.csv):
                    threads x2: 2.00x instead of 2.00x: imbalance and tail 0.40x (100 ms); gained: tasks faster side by side 0.40x (100 ms).
                      Predicted 667 ms from the sequential cell and the unit costs, 33.2% over; the part it got most wrong: tasks slower side by side (0 us predicted, -100 ms measured).
                    processes x2: 1.25x instead of 2.00x: start-up 0.50x (200 ms), not accounted for 0.17x (68.7 ms), moving 64.0 MiB 0.08x (31.3 ms).
                      Predicted 699 ms from the sequential cell and the unit costs, 12.8% short; the part it got most wrong: start-up (0 us predicted, 200 ms measured).

                """, "\(text)")
    }

    @Test("the exchange of processes over shared memory says so, and the cell is named by its transport")
    func sharedMemory() {
        let records =
            cell(.threads, wall: 0.5)
            + cell(.processes, wall: 0.8, startup: 0.2, exchange: 0.1).map { record in
                var record = record
                record.transport = .shm
                return record
            }
        let text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(text.contains("processes x2 over shm took 1.60 times as long as threads x2: "), "\(text)")
        #expect(
            text.contains("handing tasks to the workers and results back through shared memory, wake-ups included"),
            "\(text)")
    }

    @Test("a difference inside both 95% intervals is noise; a run without a breakdown says it cannot say why")
    func noiseAndOlderRuns() {
        var records = cell(.sequential, wall: 1.0, startup: 0) + cell(.threads, wall: 0.999)
        var text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(
            text.contains(
                "  No mode beat sequential beyond the noise: threads x2 and sequential (medians 1.000 s to 1.001 s); their 95% intervals overlap, so the differences between them are noise at 3 repetitions.\n"
            ), "\(text)")
        #expect(
            text.contains(
                "  sequential took 1.00 times as long as threads x2: within the noise (95% intervals: sequential 0.999 s-1.003 s, threads x2 0.998 s-1.002 s).\n"
            ), "\(text)")
        for index in records.indices { records[index].breakdown = nil }
        text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(text.contains("  No mode beat sequential beyond the noise: threads x2 and sequential"))
        #expect(text.contains("This run has no breakdown of its times (no timeline: it was made by lab 0.3.0 or older"))
        #expect(!text.contains("took 1.00 times"))
    }

    @Test(
        "cells within the fastest's noise are named as a tie, not beaten; each interval is named by its cell, in one unit"
    )
    func ties() {
        // threads and async within each other's intervals; processes clearly slower.
        let records =
            cell(.sequential, wall: 1.0, startup: 0) + cell(.threads, wall: 0.5) + cell(.async, wall: 0.5005)
            + cell(.processes, wall: 0.8, startup: 0.2)
        let text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(
            text.contains(
                "  Fastest, tied: threads x2 and async x2, all about 2.00 times as fast as sequential (medians all about 0.501 s against 1.001 s); their 95% intervals overlap, so the differences between them are noise at 3 repetitions.\n"
            ), "\(text)")
        #expect(
            text.contains(
                "  async x2 took 1.00 times as long as threads x2: within the noise (95% intervals: async x2 499 ms-504 ms, threads x2 499 ms-503 ms).\n"
            ), "\(text)")
        #expect(!text.contains("Fastest: "))
    }

    @Test(
        "counters are cited where they say something: page faults, waiting for a core, RSS against PSS, disturbed repetitions"
    )
    func counters() {
        func with(_ records: [RepetitionRecord], _ change: (inout RepetitionCounters) -> Void) -> [RepetitionRecord] {
            records.map { record in
                var record = record
                change(&record.counters)
                return record
            }
        }
        let quiet = Interference(othersCPUSeconds: 0, stealSeconds: 0, pressureSeconds: 0, disturbed: false)
        let busy = Interference(othersCPUSeconds: 0.9, stealSeconds: 0, pressureSeconds: 0.5, disturbed: true)
        let threads = with(cell(.threads, wall: 0.5)) {
            $0 = RepetitionCounters(
                coordinatorMinorFaults: 5_600, coordinatorMajorFaults: 0, workersMinorFaults: 0, workersMajorFaults: 0,
                workersVoluntaryContextSwitches: 0,
                workersInvoluntaryContextSwitches: 0,
                lanes: SchedulerCounters(runningSeconds: 0.5, waitingSeconds: 0.01, migrations: 2),
                workersMemory: MemoryFootprint(), interference: quiet)
        }
        let processes = with(cell(.processes, wall: 0.8, startup: 0.2)) {
            $0 = RepetitionCounters(
                coordinatorMinorFaults: 300, coordinatorMajorFaults: 0, workersMinorFaults: 31_000,
                workersMajorFaults: 0,
                workersVoluntaryContextSwitches: 10_000,
                workersInvoluntaryContextSwitches: 40,
                lanes: SchedulerCounters(runningSeconds: 0.6, waitingSeconds: 0.02, migrations: 4),
                workersMemory: MemoryFootprint(residentKiB: 40 * 1024, proportionalKiB: 15 * 1024, uniqueKiB: 3 * 1024),
                interference: quiet)
        }
        // Eight threads on two cores: each ran a quarter of the time and waited the rest.
        var crowded = with(cell(.threads, wall: 1.0)) {
            $0.lanes = SchedulerCounters(runningSeconds: 2.0, waitingSeconds: 6.0, migrations: 30)
            $0.interference = quiet
        }
        crowded = crowded.map { record in
            var record = record
            record.workers = 8
            return record
        }
        // The sequential cell ran beside someone else's busy loop in two of its three repetitions.
        var sequential = cell(.sequential, wall: 1.0, startup: 0)
        for index in sequential.indices { sequential[index].counters.interference = index == 0 ? quiet : busy }
        let records = sequential + threads + processes + crowded
        let text = Explanation(summaries: CellSummary.summarize(records), records: records, cores: 2).render()
        #expect(
            text.contains(
                "    Page faults: the workers and the coordinator took 31,300 a repetition, threads x2 5,600: every worker is a fresh process, and each input it receives lands in memory the kernel must hand over page by page.\n"
            ), "\(text)")
        #expect(
            text.contains(
                "    Waiting for a core: each thread waited for a core 75% of the time (8 threads on 2 cores), runnable but not running.\n"
            ), "\(text)")
        #expect(
            text.contains(
                "    Memory: the 2 workers held 40.0 MiB resident (RSS), but their proportional share (PSS) was 15.0 MiB and only 3.0 MiB was theirs alone (USS)"
            ), "\(text)")
        // Memory a worker allocated for itself is said to be its own: a second heap.
        let owned = records.map { record in
            var record = record
            if record.mode == .processes {
                record.counters.workersMemory = MemoryFootprint(
                    residentKiB: 150 * 1024, proportionalKiB: 137 * 1024, uniqueKiB: 130 * 1024)
            }
            return record
        }
        let heap = Explanation(summaries: CellSummary.summarize(owned), records: owned).render()
        #expect(
            heap.contains(
                "    Memory: the 2 workers held 150.0 MiB resident (RSS), 137.0 MiB as their proportional share (PSS) and 130.0 MiB theirs alone (USS): most of it is memory each worker allocated for itself, a second heap beside the coordinator's (87% of RSS).\n"
            ), "\(heap)")
        #expect(
            text.contains(
                "  Disturbed: 2 of 3 repetitions of sequential shared the machine with other work (other processes or the hypervisor took up to 0.90 cores); its times are not this code's alone.\n"
            ), "\(text)")
        // Without inputs to receive, a worker's faults are its own start.
        let withoutInputs = records.map { record in
            var record = record
            record.bytesToWorkers = 0
            return record
        }
        let startOnly = Explanation(summaries: CellSummary.summarize(withoutInputs), records: withoutInputs, cores: 2)
            .render()
        #expect(
            startOnly.contains(
                "threads x2 5,600: every worker is a fresh process that faults in its own copy of the lab's pages and a heap of its own as it starts.\n"
            ), "\(startOnly)")
        // Nothing is said of a counter that says nothing: the fastest's few waits and faults.
        #expect(!text.contains("each thread waited for a core 2"))
        #expect(text.components(separatedBy: "Page faults:").count == 2)
    }

    @Test("durations in one sentence share one unit")
    func oneScale() {
        #expect(NumberFormatting.durations([0.501, 1.001]) == ["0.501 s", "1.001 s"])
        #expect(NumberFormatting.durations([0.0121, 0.024]) == ["12.1 ms", "24.0 ms"])
        #expect(NumberFormatting.durations([0.15, 0.9]) == ["150 ms", "900 ms"])
        #expect(NumberFormatting.durations([0.000_9, 0.000_05]) == ["900 us", "50 us"])
        #expect(NumberFormatting.durations([0.1, 0]) == ["100 ms", "0 ms"])
        #expect(NumberFormatting.durations([0.2, 0.001]) == ["200.0 ms", "1.0 ms"])
        // Two different medians never read the same.
        #expect(NumberFormatting.durations([0.010_04, 0.010_02]) == ["10.0 ms", "10.0 ms"])
        #expect(NumberFormatting.durations([0.010_04, 0.010_02], distinct: true) == ["10.04 ms", "10.02 ms"])
    }

    @Test("the ASCII timeline marks start-up, tasks, exchange, the idle tail and teardown")
    func asciiTimeline() throws {
        let record = cell(.threads, wall: 1.0)[0]
        var timeline = RecordedTimeline()
        // Lane 0 works from 0.1 to 0.9 s; lane 1 from 0.1 to 0.5 s, then idle; teardown from 0.9.
        timeline.spans = [
            SpanRow(
                lane: 0, firstTask: 0, taskCount: 1, claimed: 0.1, sent: 0.1, started: 0.1, ended: 0.9, received: 0.9,
                work: 0.8, bytesIn: 0, bytesOut: 0),
            SpanRow(
                lane: 1, firstTask: 1, taskCount: 1, claimed: 0.1, sent: 0.3, started: 0.3, ended: 0.5, received: 0.5,
                work: 0.2, bytesIn: 0, bytesOut: 0),
        ]
        timeline.events = [
            EventRow(lane: 0, event: "lane_ready", at: 0.1), EventRow(lane: 1, event: "lane_ready", at: 0.1),
            EventRow(lane: nil, event: EventRow.lastResult, at: 0.9),
            EventRow(lane: nil, event: EventRow.poolGone, at: 1.0),
        ]
        let summary = try #require(CellSummary.summarize([record]).first)
        let text = AsciiTimeline(width: 10).render(CellTimeline(cell: summary, record: record, timeline: timeline))
        #expect(text.hasSuffix("  thread 1 |s########-|\n  thread 2 |s==##    -|\n"), "\(text)")
    }
}
