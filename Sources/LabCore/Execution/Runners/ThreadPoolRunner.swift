/// A fixed pool of threads; each claims tasks dynamically and runs them itself.
package struct ThreadPoolRunner: TaskRunner {
    package let threads: Int
    /// How many tasks a thread claims at once.
    package let batch: BatchSize
    /// Told when each task starts and ends, for a watchdog (one slot per thread); `nil` for none.
    package let watch: TaskWatch?

    /// Where each thread records its claims (a lane per thread); `nil` records nothing.
    package let timeline: TimelineRecorder?

    /// Where each thread runs; `nil` for anywhere.
    package let pinning: LanePinning?

    package init(
        threads: Int, batch: BatchSize = .fixed(1), watch: TaskWatch? = nil, timeline: TimelineRecorder? = nil,
        pinning: LanePinning? = nil
    ) {
        self.pinning = pinning
        precondition(threads > 0, "a pool needs at least one thread")
        precondition(watch.map { $0.slots.count >= threads } ?? true, "the watch needs a slot per thread")
        precondition(timeline.map { $0.lanes.count >= threads } ?? true, "the timeline needs a lane per thread")
        self.threads = threads
        self.batch = batch
        self.watch = watch
        self.timeline = timeline
    }

    package func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        let performers = (0..<threads).map { InlinePerformer(workload: workload.instance, slot: watch?.slots[$0]) }
        let (startupSeconds, lanes) = runDriverThreads(
            performers, ledger: ledger, workload: workload.instance,
            batch: batch.tasksPerClaim(taskCount: workload.taskCount, workers: threads),
            timeline: timeline, pinning: pinning)
        let (tally, failure) = ledger.result
        return ExecutionResult(
            startupSeconds: startupSeconds, tally: tally, failure: failure, failureCount: ledger.failureCount,
            lanes: lanes)
    }
}
