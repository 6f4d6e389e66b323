/// The worker processes of one execution, together.
package struct WorkerTotals: Sendable, Equatable {
    /// CPU time summed over the workers; context switches summed; the largest single peak.
    package var usage = ResourceUsage()
    /// Bytes sent to and received from all workers: frames, headers included, and bytes
    /// written in place into their slots.
    package var bytesToWorkers = 0
    package var bytesFromWorkers = 0
    /// Workers whose CPU time, faults and switches are in ``usage`` from nobody: they ended
    /// without their report (killed, crashed, or too late) and the kernel's count of them could
    /// not be had either. Then ``usage`` is not the whole.
    package var workersWithoutUsage = 0
    /// Workers that ended without their report, whatever the kernel counted of them: then
    /// ``lanes``, ``memory`` and the peak in ``usage`` leave them out.
    package var workersWithoutReport = 0
    /// The workers' lanes (their main threads), summed; `nil` when a report lacked them.
    package var lanes: SchedulerCounters? = SchedulerCounters()
    /// The workers' memory as each stood before it exited, summed; `nil` when a report lacked it.
    package var memory: MemoryFootprint? = MemoryFootprint()

    package init() {}

    /// Adds one worker's report.
    package mutating func add(_ report: WorkerReport) {
        usage = usage + report.usage
        lanes = lanes.flatMap { sum in report.lane.map { sum + $0 } }
        memory = memory.flatMap { sum in report.memory.map { sum + $0 } }
    }
}
