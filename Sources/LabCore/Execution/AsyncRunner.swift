import Dispatch
import Synchronization

/// Swift's answer to the tutorial's asyncio section: a task group that keeps `inFlight`
/// child tasks running, each one task of the workload, on the cooperative thread pool (one
/// thread per core). A workload's async body (``Workload/runAsync(task:input:)``) suspends
/// while it waits, so a thousand sleeping tasks need no thousand threads; a blocking body
/// holds a pool thread for as long as it blocks, which the lab then shows.
package struct AsyncRunner: TaskRunner {
    package let inFlight: Int
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    package let watch: TaskWatch?

    package init(inFlight: Int, watch: TaskWatch? = nil) {
        precondition(inFlight > 0, "at least one task must be in flight")
        precondition(watch.map { $0.slots.count >= inFlight } ?? true, "the watch needs a slot per task in flight")
        self.inFlight = inFlight
        self.watch = watch
    }

    package func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let body = workload.workload
        let limit = inFlight
        let watch = watch
        let finished = DispatchSemaphore(value: 0)
        // The coordinator's thread is not one of the cooperative pool's, so it may block here.
        Task.detached {
            await AsyncRunner.run(body, ledger: ledger, inFlight: limit, watch: watch)
            finished.signal()
        }
        finished.wait()
        let (outcomes, failure) = ledger.result
        return ExecutionResult(startupSeconds: 0, outcomes: outcomes, failure: failure, failureCount: ledger.failureCount)
    }

    private static func run(_ workload: any Workload, ledger: TaskLedger, inFlight: Int, watch: TaskWatch?) async {
        await withTaskGroup(of: (index: Int, slot: Int, result: Result<TaskOutcome, ExecutionError>).self) { group in
            // At most `inFlight` tasks run at once, so each can have a watch slot of its own;
            // a finished task's slot goes to the next one.
            var freeSlots = Array((0..<inFlight).reversed())
            func startNext() -> Bool {
                guard let slotNumber = freeSlots.popLast() else { return false }
                guard let index = ledger.claim() else {
                    freeSlots.append(slotNumber)
                    return false
                }
                let slot = watch?.slots[slotNumber]
                group.addTask {
                    slot?.begin(task: index)
                    defer { slot?.end() }
                    let input = workload.input(forTask: index)
                    do {
                        let output = try await workload.runAsync(task: index, input: input)
                        return (index, slotNumber, .success(TaskOutcome(output: output, inputBytes: input.count)))
                    } catch {
                        return (index, slotNumber, .failure(.taskFailed(task: index, message: "\(error)")))
                    }
                }
                return true
            }
            for _ in 0..<inFlight {
                if !startNext() { break }
            }
            var finished: [(index: Int, outcome: TaskOutcome)] = []
            for await (index, slotNumber, result) in group {
                freeSlots.append(slotNumber)
                switch result {
                case .success(let outcome):
                    finished.append((index, outcome))
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
