/// A pool of worker child processes, each the `lab` binary started as `lab worker`, talking to
/// the coordinator over a request pipe and a reply pipe. Tasks go to whichever worker is free:
/// one driver thread per worker claims tasks from the shared ledger.
public struct ProcessPoolExecutor: Executor {
    public let workers: Int
    /// The worker binary: the running `lab` itself (from `/proc/self/exe`) in normal use.
    public let executablePath: String
    /// The arguments that make that binary a worker.
    public let arguments: [String]
    public let registry: ChildProcessRegistry

    public init(workers: Int, executablePath: String, arguments: [String] = ["worker"], registry: ChildProcessRegistry = .shared) {
        precondition(workers > 0, "a pool needs at least one worker")
        self.workers = workers
        self.executablePath = executablePath
        self.arguments = arguments
        self.registry = registry
    }

    public func execute(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let started = Platform.monotonicSeconds()
        var pool: [WorkerProcess] = []
        func finish(startupSeconds: Double) -> ExecutionResult {
            var totals = WorkerTotals()
            for worker in pool {
                worker.shutdown(registry: registry)
                totals.bytesToWorkers += worker.bytesSent
                totals.bytesFromWorkers += worker.bytesReceived
                if let usage = worker.reportedUsage {
                    totals.usage.userSeconds += usage.userSeconds
                    totals.usage.systemSeconds += usage.systemSeconds
                    totals.usage.maxResidentKiB = max(totals.usage.maxResidentKiB, usage.maxResidentKiB)
                    totals.usage.voluntaryContextSwitches += usage.voluntaryContextSwitches
                    totals.usage.involuntaryContextSwitches += usage.involuntaryContextSwitches
                }
            }
            let (outcomes, failure) = ledger.result
            return ExecutionResult(startupSeconds: startupSeconds, outcomes: outcomes, failure: failure, workers: totals)
        }
        do {
            // Launch every child first and set them up after, so that they load in parallel.
            for number in 1...workers {
                pool.append(try WorkerProcess(number: number, executablePath: executablePath, arguments: arguments, registry: registry))
            }
            for worker in pool {
                try worker.sendSetup(workload)
            }
            for worker in pool {
                try worker.awaitReady()
            }
        } catch {
            ledger.fail(error)
            return finish(startupSeconds: Platform.monotonicSeconds() - started)
        }
        let startupSeconds = Platform.monotonicSeconds() - started

        _ = runDriverThreads(pool.map(ProcessPerformer.init), ledger: ledger, workload: workload.workload)
        return finish(startupSeconds: startupSeconds)
    }
}

/// Sends a driver's tasks to its own worker process.
struct ProcessPerformer: TaskPerformer, Sendable {
    let worker: WorkerProcess

    func perform(task index: Int, input: [UInt8]) throws(ExecutionError) -> TaskOutput {
        try worker.perform(task: index, input: input)
    }
}
