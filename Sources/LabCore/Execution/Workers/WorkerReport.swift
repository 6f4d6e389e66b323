/// What a worker process tells of itself as it finishes: the usage of its whole life, the
/// scheduler's figures of its one lane (the main thread that runs its tasks), and its memory
/// as it stands before it exits.
package struct WorkerReport: Sendable, Equatable {
    package var usage: ResourceUsage
    /// `nil` on a kernel without scheduler statistics.
    package var lane: SchedulerCounters?
    /// `nil` on a kernel without /proc/self/smaps_rollup.
    package var memory: MemoryFootprint?

    package init(usage: ResourceUsage, lane: SchedulerCounters? = nil, memory: MemoryFootprint? = nil) {
        self.usage = usage
        self.lane = lane
        self.memory = memory
    }

    /// This process's report now.
    package static func current() -> WorkerReport {
        WorkerReport(
            usage: Platform.processUsage(), lane: Platform.mainThreadSchedulerCounters(),
            memory: Platform.memoryFootprint())
    }

    /// The frame fields, in order; an absent figure is `UInt64.max`.
    var fields: [UInt64] {
        let absent = UInt64.max
        func count(_ value: Int) -> UInt64 { UInt64(max(value, 0)) }
        func microseconds(_ seconds: Double) -> UInt64 { UInt64(max(seconds * 1e6, 0).rounded()) }
        func nanoseconds(_ seconds: Double?) -> UInt64 { seconds.map { UInt64(max($0 * 1e9, 0).rounded()) } ?? absent }
        return [
            microseconds(usage.userSeconds), microseconds(usage.systemSeconds), count(usage.maxResidentKiB),
            count(usage.voluntaryContextSwitches), count(usage.involuntaryContextSwitches), count(usage.minorFaults),
            count(usage.majorFaults),
            nanoseconds(lane?.runningSeconds), nanoseconds(lane?.waitingSeconds),
            lane.map { count($0.migrations) } ?? absent,
            memory.map { count($0.residentKiB) } ?? absent, memory.map { count($0.proportionalKiB) } ?? absent,
            memory.map { count($0.uniqueKiB) } ?? absent,
        ]
    }

    static let fieldCount = 13

    /// The report from its frame fields; `nil` when a count is out of range.
    init?(fields: [UInt64]) {
        guard fields.count == WorkerReport.fieldCount else { return nil }
        let absent = UInt64.max
        // Every figure but an absent one must fit an Int.
        guard fields.allSatisfy({ $0 == absent || $0 <= UInt64(Int64.max) }) else { return nil }
        let value = fields.map { $0 == absent ? nil : Int($0) }
        guard let user = value[0], let system = value[1], let peak = value[2], let voluntary = value[3],
            let involuntary = value[4],
            let minor = value[5], let major = value[6]
        else { return nil }
        usage = ResourceUsage(
            userSeconds: Double(user) / 1e6, systemSeconds: Double(system) / 1e6, maxResidentKiB: peak,
            voluntaryContextSwitches: voluntary,
            involuntaryContextSwitches: involuntary, minorFaults: minor, majorFaults: major)
        if let running = value[7], let waiting = value[8], let migrations = value[9] {
            lane = SchedulerCounters(
                runningSeconds: Double(running) / 1e9, waitingSeconds: Double(waiting) / 1e9, migrations: migrations)
        } else {
            lane = nil
        }
        if let resident = value[10], let proportional = value[11], let unique = value[12] {
            memory = MemoryFootprint(residentKiB: resident, proportionalKiB: proportional, uniqueKiB: unique)
        } else {
            memory = nil
        }
    }
}
