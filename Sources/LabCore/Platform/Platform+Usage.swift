import CLabSupport
import Glibc

/// CPU time, peak memory, context switches and page faults of a process, as `getrusage` and
/// `/proc` say.
package struct ResourceUsage: Sendable, Equatable {
    package var userSeconds: Double = 0
    package var systemSeconds: Double = 0
    /// Peak resident set size in KiB (VmHWM where it is read from /proc).
    package var maxResidentKiB: Int = 0
    package var voluntaryContextSwitches: Int = 0
    package var involuntaryContextSwitches: Int = 0
    /// Page faults served without I/O (a fresh page zeroed, a page already in the cache mapped).
    package var minorFaults: Int = 0
    /// Page faults that had to read from storage.
    package var majorFaults: Int = 0

    package init() {}

    package init(
        userSeconds: Double, systemSeconds: Double, maxResidentKiB: Int, voluntaryContextSwitches: Int,
        involuntaryContextSwitches: Int,
        minorFaults: Int = 0, majorFaults: Int = 0
    ) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.maxResidentKiB = maxResidentKiB
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
    }

    /// The figures of a `struct rusage`; the peak is its ru_maxrss.
    init(_ usage: rusage) {
        self.init(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxResidentKiB: Int(usage.ru_maxrss),
            voluntaryContextSwitches: Int(usage.ru_nvcsw), involuntaryContextSwitches: Int(usage.ru_nivcsw),
            minorFaults: Int(usage.ru_minflt), majorFaults: Int(usage.ru_majflt))
    }

    /// What accumulated between `earlier` and `self` (times, switches and faults; the peak is kept).
    package func since(_ earlier: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: userSeconds - earlier.userSeconds, systemSeconds: systemSeconds - earlier.systemSeconds,
            maxResidentKiB: maxResidentKiB,
            voluntaryContextSwitches: voluntaryContextSwitches - earlier.voluntaryContextSwitches,
            involuntaryContextSwitches: involuntaryContextSwitches - earlier.involuntaryContextSwitches,
            minorFaults: minorFaults - earlier.minorFaults, majorFaults: majorFaults - earlier.majorFaults)
    }

    /// Two processes' usage together: times, switches and faults summed, the larger peak.
    package static func + (left: ResourceUsage, right: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: left.userSeconds + right.userSeconds, systemSeconds: left.systemSeconds + right.systemSeconds,
            maxResidentKiB: max(left.maxResidentKiB, right.maxResidentKiB),
            voluntaryContextSwitches: left.voluntaryContextSwitches + right.voluntaryContextSwitches,
            involuntaryContextSwitches: left.involuntaryContextSwitches + right.involuntaryContextSwitches,
            minorFaults: left.minorFaults + right.minorFaults, majorFaults: left.majorFaults + right.majorFaults)
    }

    /// User plus system CPU seconds.
    package var cpuSeconds: Double { userSeconds + systemSeconds }
}

extension Platform {
    /// This process's usage so far, all threads included; `maxResidentKiB` is VmHWM, which
    /// ``resetPeakResident()`` can lower (ru_maxrss never goes down).
    /// The corresponding C function is `getrusage(RUSAGE_SELF)`.
    package static func processUsage() -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        var result = ResourceUsage(usage)
        result.maxResidentKiB = peakResidentKiB() ?? result.maxResidentKiB
        return result
    }

    /// What this process's ended and reaped children used, together, over their lives (their
    /// peak is the largest ru_maxrss, which a spawned child starts at its parent's size: do
    /// not read it as a worker's). The corresponding C function is `getrusage(RUSAGE_CHILDREN)`.
    package static func childrenUsage() -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return ResourceUsage(usage)
    }

    /// The calling thread's scheduler figures so far, from /proc/thread-self/schedstat and
    /// sched; `nil` on a kernel without scheduler statistics.
    package static func threadSchedulerCounters() -> SchedulerCounters? {
        guard let schedstat = readSmallFile("/proc/thread-self/schedstat"),
            let sched = readSmallFile("/proc/thread-self/sched")
        else { return nil }
        return SchedulerCounters.parse(schedstat: schedstat, sched: sched)
    }

    /// The scheduler figures of this process's main thread (a worker's one lane), from
    /// /proc/self/schedstat and sched; `nil` on a kernel without them.
    package static func mainThreadSchedulerCounters() -> SchedulerCounters? {
        guard let schedstat = readSmallFile("/proc/self/schedstat"), let sched = readSmallFile("/proc/self/sched")
        else { return nil }
        return SchedulerCounters.parse(schedstat: schedstat, sched: sched)
    }

    /// This process's resident, proportional and unique memory now, from
    /// /proc/self/smaps_rollup; `nil` on a kernel without it.
    package static func memoryFootprint() -> MemoryFootprint? {
        readSmallFile("/proc/self/smaps_rollup").flatMap { MemoryFootprint.parse(smapsRollup: $0) }
    }

    /// The whole machine's CPU accounting now, from /proc/stat and /proc/pressure/cpu; `nil`
    /// when /proc/stat cannot be read.
    package static func machineLoad() -> MachineLoad? {
        guard let stat = readSmallFile("/proc/stat") else { return nil }
        return MachineLoad.parse(
            stat: stat, pressure: readSmallFile("/proc/pressure/cpu"),
            ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Opens a hardware counter (`PERF_TYPE_HARDWARE`, `config`) of the calling thread and the
    /// threads and processes it starts afterwards, user space only.
    /// The corresponding C function is `perf_event_open`.
    static func openHardwareCounter(config: UInt64) throws(SystemError) -> Int32 {
        let descriptor = lab_perf_counter_open(0, config)
        guard descriptor >= 0 else { throw SystemError(call: "perf_event_open", errno: errno) }
        return descriptor
    }

    /// A perf counter's value so far. The corresponding C function is `read`.
    static func readCounter(_ descriptor: Int32) throws(SystemError) -> UInt64 {
        var value: UInt64 = 0
        let complete = try withUnsafeMutableBytes(of: &value) { buffer throws(SystemError) in
            try readFully(descriptor, into: buffer)
        }
        guard complete else { throw SystemError(call: "read", errno: EIO) }
        return value
    }

    /// VmHWM of this process in KiB, from /proc/self/status.
    package static func peakResidentKiB() -> Int? {
        guard let status = readSmallFile("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    /// Lowers VmHWM to the current resident size, so the next peak is this interval's own.
    /// Writes `5` to /proc/self/clear_refs (Linux); returns whether that worked.
    @discardableResult
    package static func resetPeakResident() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        return Glibc.write(descriptor, "5", 1) == 1
    }

    /// A small text file (such as one under /proc) read whole; `nil` when it cannot be opened
    /// or read.
    package static func readSmallFile(_ path: String) -> String? {
        try? readFile(atPath: path)
    }

    /// A text file read whole. A read error is thrown, never taken for the end of the file.
    /// - Throws: ``SystemError`` from `open` (such as `ENOENT`) or `read`.
    package static func readFile(atPath path: String) throws(SystemError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(call: "open", errno: errno) }
        defer { Glibc.close(descriptor) }
        // No limit: readAll returns nil only past one.
        return String(decoding: try readAll(descriptor, limit: .max) ?? [], as: UTF8.self)
    }
}

extension Platform {
    /// How many threads this process has now: field 20 of /proc/self/stat (after the command
    /// name in parentheses, which may hold spaces); `nil` where it cannot be read.
    package static func threadCount() -> Int? {
        guard let stat = readSmallFile("/proc/self/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // Fields from 3 (state) on; num_threads is field 20, the 18th of them.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 17 ? Int(fields[17]) : nil
    }

    /// The CPU time process `processID` has used so far, user and system, in seconds: fields
    /// 14 and 15 of /proc/PID/stat (clock ticks); `nil` when it is gone or cannot be read.
    package static func processCPUSeconds(_ processID: Int32) -> Double? {
        guard let stat = readSmallFile("/proc/\(processID)/stat"), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        // Fields from 3 (state) on: utime is field 14, the 12th of them; stime the 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return Double(user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
