import LabCore
import Testing

@testable import LabReport

@Suite struct ExplanationTests {
    /// Three repetitions of a cell, walls a millisecond apart, every one with `parts` (work
    /// taking up the rest of the wall time).
    func cell(_ mode: ExecutionMode, wall: Double, startup: Double = 0.001, exchange: Double = 0, idle: Double = 0, teardown: Double = 0) -> [RepetitionRecord] {
        (0..<3).map { index in
            var record = sampleRecord(mode: mode, workers: mode == .sequential ? 1 : 2, wall: wall + Double(index) * 0.001)
            record.repetition = index + 1
            record.bytesToWorkers = mode == .processes ? 64 << 20 : 0
            record.breakdown = TimeBreakdown(
                startupSeconds: startup, workSeconds: record.wallSeconds - startup - exchange - idle - teardown, exchangeSeconds: exchange,
                idleSeconds: idle, teardownSeconds: teardown, residualSeconds: 0)
            return record
        }
    }

    @Test("the fastest cell, and the two parts that grew most in each slower one, with shares and times")
    func reasons() {
        let records =
            cell(.sequential, wall: 1.0, startup: 0) + cell(.threads, wall: 0.5, idle: 0.1)
            + cell(.processes, wall: 0.8, startup: 0.2, exchange: 0.1, teardown: 0.002)
        let text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(
            text == """
                sleep (io), seconds=0.3,0.2,0.1, 3 tasks
                  Fastest: threads x2, 2.00 times as fast as sequential (501 ms against 1.001 s).
                  Even so, its lanes had nothing to do for 20% of its time (100 ms per lane): the tail, while the last tasks ran on the other lanes.
                  sequential took 2.00 times as long as threads x2: running the tasks (on 1 lane instead of 2) took 100% of its time (1.001 s; 400 ms in threads x2).
                  processes x2 took 1.60 times as long as threads x2: starting 2 worker processes took 25% of its time (200 ms; 1.0 ms in threads x2); handing tasks to the workers and results back through pipes, wake-ups included (64.0 MiB to the workers, 0.3 KiB back) took 12% of its time (100 ms; 0 us in threads x2).
                
                """)
    }

    @Test("the exchange of processes over shared memory says so, and the cell is named by its transport")
    func sharedMemory() {
        let records = cell(.threads, wall: 0.5) + cell(.processes, wall: 0.8, startup: 0.2, exchange: 0.1).map { record in
            var record = record
            record.transport = .shm
            return record
        }
        let text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(text.contains("processes x2 over shm took 1.60 times as long as threads x2: "), "\(text)")
        #expect(text.contains("handing tasks to the workers and results back through shared memory, wake-ups included"), "\(text)")
    }

    @Test("a difference inside both 95% intervals is noise; a run without a breakdown says it cannot say why")
    func noiseAndOlderRuns() {
        var records = cell(.sequential, wall: 1.0, startup: 0) + cell(.threads, wall: 0.999)
        var text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(text.contains("  sequential took 1.00 times as long as threads x2: within the noise (their 95% intervals overlap: "))
        for index in records.indices { records[index].breakdown = nil }
        text = Explanation(summaries: CellSummary.summarize(records), records: records).render()
        #expect(text.contains("  Fastest: threads x2, 1.00 times as fast as sequential"))
        #expect(text.contains("This run has no breakdown of its times (no timeline: it was made by lab 0.3.0 or older"))
        #expect(!text.contains("took 1.00 times"))
    }

    @Test("the ASCII timeline marks start-up, tasks, exchange, the idle tail and teardown")
    func asciiTimeline() throws {
        let record = cell(.threads, wall: 1.0)[0]
        var timeline = RecordedTimeline()
        // Lane 0 works from 0.1 to 0.9 s; lane 1 from 0.1 to 0.5 s, then idle; teardown from 0.9.
        timeline.spans = [
            SpanRow(lane: 0, firstTask: 0, taskCount: 1, claimed: 0.1, sent: 0.1, started: 0.1, ended: 0.9, received: 0.9, work: 0.8, bytesIn: 0, bytesOut: 0),
            SpanRow(lane: 1, firstTask: 1, taskCount: 1, claimed: 0.1, sent: 0.3, started: 0.3, ended: 0.5, received: 0.5, work: 0.2, bytesIn: 0, bytesOut: 0),
        ]
        timeline.events = [
            EventRow(lane: 0, event: "lane_ready", at: 0.1), EventRow(lane: 1, event: "lane_ready", at: 0.1),
            EventRow(lane: nil, event: EventRow.lastResult, at: 0.9), EventRow(lane: nil, event: EventRow.poolGone, at: 1.0),
        ]
        let summary = try #require(CellSummary.summarize([record]).first)
        let text = AsciiTimeline(width: 10).render(CellTimeline(cell: summary, record: record, timeline: timeline))
        #expect(text.hasSuffix("  thread 1 |s########-|\n  thread 2 |s==##    -|\n"), "\(text)")
    }
}
