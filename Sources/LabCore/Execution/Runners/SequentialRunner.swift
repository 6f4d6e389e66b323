/// The coordinator runs the tasks in order, in its own thread.
package struct SequentialRunner: TaskRunner {
    /// Told when each task starts and ends, for a watchdog; `nil` for none.
    package let watch: TaskWatch?

    /// How many tasks the coordinator claims at once (as one thread of a pool would), which
    /// is also how finely its timeline is recorded.
    package let batch: BatchSize
    package let timeline: TimelineRecorder?

    /// Where the coordinator runs the tasks (lane 0's core); `nil` for anywhere.
    package let pinning: LanePinning?

    package init(
        batch: BatchSize = .fixed(1), watch: TaskWatch? = nil, timeline: TimelineRecorder? = nil,
        pinning: LanePinning? = nil
    ) {
        self.batch = batch
        self.watch = watch
        self.timeline = timeline
        self.pinning = pinning
    }

    package func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        let ledger = TaskLedger(taskCount: workload.taskCount)
        do throws(SystemError) {
            try pinning?.pinCallingThread(lane: 0)
        } catch {
            return ExecutionResult(startupSeconds: 0, tally: TaskTally(), failure: .system(error))
        }
        defer { pinning?.releaseCallingThread() }
        let before = Platform.threadSchedulerCounters()
        driveTasks(
            ledger: ledger, workload: workload.instance,
            performer: InlinePerformer(workload: workload.instance, slot: watch?.slots.first),
            batch: batch.tasksPerClaim(taskCount: workload.taskCount, workers: 1), lane: timeline?.lanes.first)
        let lane = Platform.threadSchedulerCounters().flatMap { after in before.map { after.since($0) } }
        let (tally, failure) = ledger.result
        return ExecutionResult(
            startupSeconds: 0, tally: tally, failure: failure, failureCount: ledger.failureCount, lanes: lane)
    }
}
