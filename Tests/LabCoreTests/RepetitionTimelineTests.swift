import Testing

@testable import LabCore

@Suite struct RepetitionTimelineTests {
    /// Every task index covered by exactly one span, and each span's times in order.
    static func checkSpans(
        _ timeline: RepetitionTimeline, tasks: Int, lanes: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var covered = [Int](repeating: 0, count: tasks)
        for span in timeline.spans {
            for index in span.firstTask..<(span.firstTask + span.taskCount) { covered[index] += 1 }
            #expect(span.lane >= 0 && span.lane < lanes, sourceLocation: sourceLocation)
            #expect(
                timeline.began <= span.claimed && span.claimed <= span.sent && span.sent <= span.started
                    && span.started <= span.ended
                    && span.ended <= span.received && span.received <= timeline.poolGone, "\(span)",
                sourceLocation: sourceLocation)
            #expect(span.work <= span.ended - span.started, sourceLocation: sourceLocation)
        }
        #expect(
            covered.allSatisfy { $0 == 1 },
            "tasks covered other than once: \(covered.enumerated().filter { $0.element != 1 }.map(\.offset))",
            sourceLocation: sourceLocation)
        #expect(timeline.spanCount == timeline.spans.count, sourceLocation: sourceLocation)
    }

    @Test("thread pools record every task once, per claim, and the parts add up to the wall time", arguments: [1, 7])
    func threadSpans(batch: Int) throws {
        let workload = try configuredEcho(["size": "1000"], tasks: 100)
        let recorder = TimelineRecorder(lanes: 3)
        let began = Platform.monotonicNanoseconds()
        let result = ThreadPoolRunner(threads: 3, batch: .fixed(batch), timeline: recorder).run(workload)
        let gone = Platform.monotonicNanoseconds()
        #expect(result.failure == nil)
        let timeline = recorder.timeline(began: began, poolGone: gone)
        Self.checkSpans(timeline, tasks: 100, lanes: 3)
        #expect(
            timeline.spans.allSatisfy {
                $0.taskCount <= batch && $0.bytesIn == 1000 * $0.taskCount && $0.bytesOut == 1000 * $0.taskCount
            })
        #expect(timeline.events.filter { $0.kind == .laneReady }.count == 3)
        let wall = Double(gone - began) / 1e9
        let parts = timeline.breakdown(wallSeconds: wall)
        #expect(abs(parts.totalSeconds - wall) < 1e-9)
        #expect(abs(parts.residualSeconds) < 1e-6, "the parts tile the wall time: \(parts)")
        #expect(
            parts.workSeconds > 0 && parts.exchangeSeconds >= 0 && parts.idleSeconds >= 0 && parts.startupSeconds >= 0)
    }

    @Test("sequential and async runners record every task once")
    func sequentialAndAsync() throws {
        let workload = try configuredEcho(tasks: 50)
        for (runner, lanes) in [
            (SequentialRunner(batch: .fixed(4), timeline: TimelineRecorder(lanes: 1)) as any TaskRunner, 1),
            (AsyncRunner(inFlight: 4, timeline: TimelineRecorder(lanes: 4)), 4),
        ] {
            let recorder = (runner as? SequentialRunner)?.timeline ?? (runner as? AsyncRunner)?.timeline
            let began = Platform.monotonicNanoseconds()
            #expect(runner.run(workload).failure == nil)
            let timeline = try #require(recorder).timeline(began: began, poolGone: Platform.monotonicNanoseconds())
            Self.checkSpans(timeline, tasks: 50, lanes: lanes)
        }
    }

    @Test("a repetition keeps at most its span limit, and its totals still count every span")
    func boundedSpans() {
        let recorder = TimelineRecorder(lanes: 2)
        for index in 0..<100_000 {
            let start = UInt64(1_000 + index * 10)
            recorder.lanes[index % 2].record(
                TaskSpan(
                    lane: index % 2, firstTask: index, taskCount: 1, claimed: start, sent: start + 1,
                    started: start + 2, ended: start + 6,
                    received: start + 8, work: 4, bytesIn: 0, bytesOut: 0))
        }
        let timeline = recorder.timeline(began: 0, poolGone: 2_000_000)
        #expect(timeline.spans.count == RepetitionTimeline.keptSpanLimit)
        #expect(timeline.spanCount == 100_000)
        #expect(timeline.lanes.map(\.work) == [200_000, 200_000])
        #expect(timeline.lanes.map(\.busy) == [400_000, 400_000])
    }

    @Test("the breakdown of a hand-made timeline: start-up, work, exchange, idle tail and teardown")
    func breakdownArithmetic() {
        // Two lanes; the cell began at 1 s (1e9 ns). Lane 0 ready at +1 ms, one span
        // claimed at +1 ms, running +2..+8 ms, result at +9 ms. Lane 1 ready at +3 ms, a span
        // +3..+5 ms with 1 ms of work. Last result at +9 ms; pool gone at +10 ms.
        let ms: UInt64 = 1_000_000
        let began: UInt64 = 1_000 * ms
        var lane0 = LaneTotals()
        lane0.ready = began + 1 * ms
        lane0.spans = 1
        lane0.busy = 8 * ms
        lane0.work = 6 * ms
        lane0.lastReceived = began + 9 * ms
        var lane1 = LaneTotals()
        lane1.ready = began + 3 * ms
        lane1.spans = 1
        lane1.busy = 2 * ms
        lane1.work = 1 * ms
        lane1.lastReceived = began + 5 * ms
        let timeline = RepetitionTimeline(
            began: began, poolGone: began + 10 * ms, lanes: [lane0, lane1], spans: [], events: [])
        let parts = timeline.breakdown(wallSeconds: 0.0105)
        func close(_ value: Double, _ expected: Double) -> Bool { abs(value - expected) < 1e-12 }
        #expect(close(parts.startupSeconds, 0.002))  // (1 + 3) / 2 ms
        #expect(close(parts.workSeconds, 0.0035))  // (6 + 1) / 2
        #expect(close(parts.exchangeSeconds, 0.0015))  // (2 + 1) / 2
        #expect(close(parts.idleSeconds, 0.002))  // (0 + 4) / 2: lane 1's tail from +5 to +9 ms
        #expect(close(parts.teardownSeconds, 0.001))
        #expect(close(parts.residualSeconds, 0.0005))  // what no part placed is shown
        #expect(close(parts.totalSeconds, 0.0105))
    }
}
