import Dispatch

/// Swift's answer to the tutorial's asyncio section: a task group that keeps `inFlight`
/// child tasks running, each one task of the workload, on the cooperative thread pool (one
/// thread per core). A workload's async body (``Workload/runAsync(task:input:)``) suspends
/// while it waits, so a thousand sleeping tasks need no thousand threads; a blocking body
/// holds a pool thread for as long as it blocks, which the lab then shows.
package struct AsyncRunner: TaskRunner {
    package let inFlight: Int
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    package let watch: TaskWatch?

    /// Where each slot (one task in flight) records its tasks, a lane per slot; `nil` records nothing.
    package let timeline: TimelineRecorder?

    package init(inFlight: Int, watch: TaskWatch? = nil, timeline: TimelineRecorder? = nil) {
        precondition(inFlight > 0, "at least one task must be in flight")
        precondition(watch.map { $0.slots.count >= inFlight } ?? true, "the watch needs a slot per task in flight")
        precondition(
            timeline.map { $0.lanes.count >= inFlight } ?? true, "the timeline needs a lane per task in flight")
        self.inFlight = inFlight
        self.watch = watch
        self.timeline = timeline
    }

    package func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let body = workload.instance
        let limit = inFlight
        let watch = watch
        let timeline = timeline
        let finished = DispatchSemaphore(value: 0)
        // The coordinator's thread is not one of the cooperative pool's, so it may block here.
        Task.detached {
            await AsyncRunner.run(body, ledger: ledger, inFlight: limit, watch: watch, timeline: timeline)
            finished.signal()
        }
        finished.wait()
        let (tally, failure) = ledger.result
        return ExecutionResult(startupSeconds: 0, tally: tally, failure: failure, failureCount: ledger.failureCount)
    }

    /// What a child task reports besides its result: when it was claimed, and when its body
    /// (input included, as in the other modes' spans) started and ended; zeros when nothing is recorded.
    private typealias Times = (claimed: UInt64, started: UInt64, ended: UInt64, inputBytes: Int)

    private static func run(
        _ workload: any Workload, ledger: TaskLedger, inFlight: Int, watch: TaskWatch?, timeline: TimelineRecorder?
    ) async {
        await withTaskGroup(of: (index: Int, slot: Int, result: Result<TaskOutcome, ExecutionError>, times: Times).self)
        { group in
            // At most `inFlight` tasks run at once, so each can have a watch slot and a
            // timeline lane of its own; a finished task's slot goes to the next one.
            var freeSlots = Array((0..<inFlight).reversed())
            let recording = timeline != nil
            func startNext() -> Bool {
                guard let slotNumber = freeSlots.popLast() else { return false }
                timeline?.lanes[slotNumber].markReady()
                guard let index = ledger.claim() else {
                    freeSlots.append(slotNumber)
                    return false
                }
                let claimed = recording ? Platform.monotonicNanoseconds() : 0
                let slot = watch?.slots[slotNumber]
                group.addTask {
                    slot?.begin(task: index)
                    defer { slot?.end() }
                    let input = workload.input(forTask: index)
                    let started = recording ? Platform.monotonicNanoseconds() : 0
                    let result: Result<TaskOutcome, ExecutionError>
                    do {
                        let output = try await workload.runAsync(task: index, input: input)
                        result = .success(TaskOutcome(output: output, inputBytes: input.count))
                    } catch {
                        result = .failure(.taskFailed(task: index, message: "\(error)"))
                    }
                    return (
                        index, slotNumber, result,
                        (claimed, started, recording ? Platform.monotonicNanoseconds() : 0, input.count)
                    )
                }
                return true
            }
            for _ in 0..<inFlight {
                if !startNext() { break }
            }
            var finished: [(index: Int, outcome: TaskOutcome)] = []
            for await (index, slotNumber, result, times) in group {
                if let lane = timeline?.lanes[slotNumber] {
                    let bytesOut = (try? result.get())?.payloadBytes ?? 0
                    lane.record(
                        TaskSpan(
                            lane: slotNumber, firstTask: index, taskCount: 1, claimed: times.claimed,
                            sent: times.started, started: times.started,
                            ended: times.ended, received: Platform.monotonicNanoseconds(),
                            work: times.ended &- min(times.started, times.ended),
                            bytesIn: times.inputBytes, bytesOut: bytesOut))
                }
                freeSlots.append(slotNumber)
                switch result {
                case .success(let outcome):
                    finished.append((index, outcome))
                    if finished.count >= TaskLedger.depositEvery {
                        ledger.deposit(finished)
                        finished.removeAll(keepingCapacity: true)
                    }
                    _ = startNext()
                case .failure(let error):
                    // A failed task is a measurement: record it and keep N tasks in flight.
                    ledger.record(error)
                    _ = startNext()
                }
            }
            ledger.deposit(finished)
        }
    }
}
