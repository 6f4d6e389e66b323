/// What the scheduler says of one thread: how long it ran, how long it was runnable but
/// waited for a core (run delay), and how often it moved to another CPU. Read from
/// `/proc/<pid>/task/<tid>/schedstat` and `.../sched`; summed over a cell's lanes.
public struct SchedulerCounters: Sendable, Equatable {
    /// Time on a CPU, seconds.
    public var runningSeconds: Double
    /// Time runnable but waiting on a run queue for a core, seconds.
    public var waitingSeconds: Double
    /// Moves to another CPU (`se.nr_migrations`).
    public var migrations: Int

    public init(runningSeconds: Double = 0, waitingSeconds: Double = 0, migrations: Int = 0) {
        self.runningSeconds = runningSeconds
        self.waitingSeconds = waitingSeconds
        self.migrations = migrations
    }

    /// What accumulated between `earlier` and `self`.
    public func since(_ earlier: SchedulerCounters) -> SchedulerCounters {
        SchedulerCounters(
            runningSeconds: runningSeconds - earlier.runningSeconds, waitingSeconds: waitingSeconds - earlier.waitingSeconds,
            migrations: migrations - earlier.migrations)
    }

    /// Two lanes' (or two readings') figures together.
    public static func + (left: SchedulerCounters, right: SchedulerCounters) -> SchedulerCounters {
        SchedulerCounters(
            runningSeconds: left.runningSeconds + right.runningSeconds, waitingSeconds: left.waitingSeconds + right.waitingSeconds,
            migrations: left.migrations + right.migrations)
    }

    /// Parses a `schedstat` file (`running_ns waiting_ns timeslices`) and a `sched` file (its
    /// `se.nr_migrations` line); `nil` when either lacks its figures (a kernel without
    /// scheduler statistics).
    public static func parse(schedstat: String, sched: String) -> SchedulerCounters? {
        let fields = schedstat.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let running = UInt64(fields[0]), let waiting = UInt64(fields[1]) else { return nil }
        guard let migrations = ProcText.value(named: "se.nr_migrations", in: sched, separator: ":") else { return nil }
        return SchedulerCounters(runningSeconds: Double(running) / 1e9, waitingSeconds: Double(waiting) / 1e9, migrations: migrations)
    }
}

/// The memory a process holds, as `/proc/<pid>/smaps_rollup` counts it: resident (RSS), its
/// proportional share of pages it shares with others (PSS), and the pages only it maps (USS).
/// RSS counts a shared page (the lab binary's code, say) once in every process that maps it;
/// PSS divides it among them; USS leaves it out: what the process would give back by exiting.
public struct MemoryFootprint: Sendable, Equatable {
    public var residentKiB: Int
    public var proportionalKiB: Int
    public var uniqueKiB: Int

    public init(residentKiB: Int = 0, proportionalKiB: Int = 0, uniqueKiB: Int = 0) {
        self.residentKiB = residentKiB
        self.proportionalKiB = proportionalKiB
        self.uniqueKiB = uniqueKiB
    }

    public static func + (left: MemoryFootprint, right: MemoryFootprint) -> MemoryFootprint {
        MemoryFootprint(
            residentKiB: left.residentKiB + right.residentKiB, proportionalKiB: left.proportionalKiB + right.proportionalKiB,
            uniqueKiB: left.uniqueKiB + right.uniqueKiB)
    }

    /// Parses `smaps_rollup` text (`Rss:`, `Pss:`, `Private_Clean:`, `Private_Dirty:` in kB);
    /// `nil` when a line is missing.
    public static func parse(smapsRollup text: String) -> MemoryFootprint? {
        guard let rss = ProcText.value(named: "Rss", in: text, separator: ":"), let pss = ProcText.value(named: "Pss", in: text, separator: ":"),
            let clean = ProcText.value(named: "Private_Clean", in: text, separator: ":"),
            let dirty = ProcText.value(named: "Private_Dirty", in: text, separator: ":")
        else { return nil }
        return MemoryFootprint(residentKiB: rss, proportionalKiB: pss, uniqueKiB: clean + dirty)
    }
}

/// Reading `name: value` lines of /proc files.
enum ProcText {
    /// The first whole number after `name` and `separator` at the start of a line of `text`.
    static func value(named name: String, in text: String, separator: Character) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let rest = line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            guard rest.first == separator else { continue }
            return rest.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }
}
