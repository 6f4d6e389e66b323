import Synchronization

/// The loop every driver runs, whatever the mode: claim a batch of tasks, make their inputs,
/// perform them, digest their results; a failed task is recorded and the loop goes on, until
/// no task is left or a failure that cannot be recovered from stops every driver.
/// - Parameter batch: how many tasks to claim at once (1 or more).
/// - Parameter lane: where the claims' spans are recorded; `nil` records nothing.
package func driveTasks(
    ledger: TaskLedger, workload: any Workload, performer: some TaskPerformer, batch: Int = 1, lane: LaneRecorder? = nil
) {
    var finished: [(index: Int, outcome: TaskOutcome)] = []
    finished.reserveCapacity(TaskLedger.depositEvery + max(batch, 1))
    var tasks: [PendingTask] = []
    // The lane's log is this thread's own while the tasks run (see ``LaneRecorder/log``).
    var log = lane?.log
    defer {
        ledger.deposit(finished)
        // Depositing is handing results back, like a worker's reply: part of the last claim.
        if var log {
            log.extendLastSpan(to: Platform.monotonicNanoseconds())
            lane?.log = log
        }
    }
    log?.markReady()
    // A performer that writes an in-place workload's inputs wants their sizes only.
    let inPlace = performer.writesInputsInPlace ? workload as? any InPlaceWorkload : nil
    while let claimed = ledger.claim(upTo: max(batch, 1)) {
        let claimedAt = lane == nil ? 0 : Platform.monotonicNanoseconds()
        tasks.removeAll(keepingCapacity: true)
        for index in claimed {
            if let inPlace {
                tasks.append(PendingTask(index: index, inputWrittenInPlace: inPlace.inputByteCount(forTask: index)))
            } else {
                tasks.append(PendingTask(index: index, input: workload.input(forTask: index)))
            }
        }
        var times: SpanTimes? = lane == nil ? nil : SpanTimes()
        var bytesIn = 0
        var bytesOut = 0
        var next = 0
        defer {
            if let lane, let times {
                let received = times.received != 0 ? times.received : Platform.monotonicNanoseconds()
                let started = times.started == 0 ? received : times.started
                log?.record(
                    TaskSpan(
                        lane: lane.lane, firstTask: claimed.lowerBound, taskCount: claimed.count, claimed: claimedAt,
                        sent: times.sent == 0 ? started : times.sent, started: started,
                        ended: max(times.ended, started), received: received,
                        work: times.work, bytesIn: bytesIn, bytesOut: bytesOut))
            }
        }
        while next < tasks.count {
            var lastFailure: ExecutionError?
            let delivered = performer.perform(tasks[next...], times: &times) { task, result in
                bytesIn += task.inputBytes
                switch result {
                case .success(let outcome):
                    bytesOut += outcome.payloadBytes
                    finished.append((task.index, outcome))
                case .failure(let error):
                    // A failed task is a measurement: record it and go on with the others.
                    ledger.record(error)
                    lastFailure = error
                }
            }
            precondition(delivered > 0, "a performer must deliver at least one task")
            next += delivered
            if let lastFailure, let fatal = performer.recover(after: lastFailure) {
                ledger.fail(fatal)
                return
            }
        }
        // A claim's results handed back: part of the claim, like a worker's reply.
        if finished.count >= TaskLedger.depositEvery {
            ledger.deposit(finished)
            finished.removeAll(keepingCapacity: true)
        }
    }
}

/// Runs one driver thread per performer, each in ``driveTasks(ledger:workload:performer:batch:)``,
/// and waits for all of them: the skeleton both pools share.
/// - Returns: the seconds spent creating the threads, and the driver threads' scheduler
///   figures summed (`nil` when one could not be read or a thread did not start).
/// - Parameter pinning: where each driver thread runs (thread `i` is lane `i`); `nil` for anywhere.
func runDriverThreads<Performer: TaskPerformer & Sendable>(
    _ performers: [Performer], ledger: TaskLedger, workload: any Workload, batch: Int, timeline: TimelineRecorder?,
    pinning: LanePinning? = nil
) -> (creationSeconds: Double, lanes: SchedulerCounters?) {
    let started = Platform.monotonicSeconds()
    var threads: [JoinableThread] = []
    let scheduling = Mutex<[SchedulerCounters?]>([])
    for (number, performer) in performers.enumerated() {
        let lane = timeline?.lanes[number]
        do {
            threads.append(
                try JoinableThread {
                    // Read once at each end of the thread's life: per lane, never per task.
                    let before = Platform.threadSchedulerCounters()
                    defer {
                        let counted = Platform.threadSchedulerCounters().flatMap { after in
                            before.map { after.since($0) }
                        }
                        scheduling.withLock { $0.append(counted) }
                    }
                    do throws(SystemError) {
                        try pinning?.pinCallingThread(lane: number)
                    } catch {
                        // A lane that cannot run where it was asked to would measure something else.
                        ledger.fail(.system(error))
                        return
                    }
                    driveTasks(ledger: ledger, workload: workload, performer: performer, batch: batch, lane: lane)
                })
        } catch {
            ledger.fail(.system(error))
            break
        }
    }
    let creationSeconds = Platform.monotonicSeconds() - started
    threads.forEach { $0.join() }
    let lanes = scheduling.withLock { $0 }
    let complete = lanes.count == performers.count && !lanes.contains(nil)
    return (creationSeconds, complete ? lanes.compactMap { $0 }.reduce(SchedulerCounters(), +) : nil)
}
