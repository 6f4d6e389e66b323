import LabCore

/// Why a parallel cell is not as many times as fast as it has workers: the gap between its
/// ideal time (the sequential cell's time shared out over the workers) and its measured time,
/// cut into named parts that add up to the gap exactly (after Eyerman, Du Bois and Eeckhout's
/// speedup stacks).
///
/// Both times are the parts of the median repetition (``CellSummary/parts``), which add up to
/// its wall time. Each part of the gap is the cell's own part (the average lane's, as in the
/// breakdown) less the sequential cell's same part over the workers: what running on N lanes
/// added to it. The work part is split in two with the lanes' time waiting for a core, which
/// the scheduler counts inside it. A part can be negative: lanes that gained there.
package struct SpeedupStack: Sendable, Equatable {
    /// One part of the gap.
    package struct Part: Sendable, Equatable {
        /// The name in `stack.csv`: startup, exchange, idle, waiting, task_slowdown, teardown,
        /// residual.
        package var name: String
        package var seconds: Double
        /// Speedup lost to it: workers × seconds / measured; the parts' sum is the ideal speedup
        /// less the achieved one.
        package var lostSpeedup: Double
    }

    /// The parts, in the order they are drawn and said, each with its words for any mode
    /// (``words(for:)`` names the exchange by the mode).
    package static let partWords: [(part: String, words: String)] = [
        ("startup", "start-up"), ("exchange", "exchange (bytes, wake-ups, claims)"), ("idle", "imbalance and tail"), ("waiting", "waiting for a core"),
        ("task_slowdown", "tasks slower side by side"), ("teardown", "teardown"), ("residual", "not accounted for"),
    ]
    /// The parts' names in `stack.csv`, in order.
    package static var partNames: [String] { partWords.map(\.part) }

    package let workload: String
    package let parameters: String
    package let tasks: Int
    package let mode: ExecutionMode
    package let workers: Int
    package let label: String
    /// The cell's key (``CellSummary/cellKey``).
    package let cellKey: String
    package let sequentialSeconds: Double
    package let idealSeconds: Double
    package let measuredSeconds: Double
    package let parts: [Part]

    /// The speedup the workers would give with nothing lost: their count.
    package var idealSpeedup: Double { Double(workers) }
    /// Sequential time over measured time.
    package var achievedSpeedup: Double { sequentialSeconds / measuredSeconds }
    /// Measured less ideal: what the parts add up to.
    package var gapSeconds: Double { measuredSeconds - idealSeconds }

    /// The stack of `cell` against `sequential` (the same workload, parameters and tasks);
    /// `nil` for a sequential cell, a cell of one worker, or when either has no breakdown or no
    /// time (an older run, a cell that failed, a checksum that disagrees).
    package init?(cell: CellSummary, sequential: CellSummary) {
        guard cell.mode != .sequential, cell.workers > 1, sequential.mode == .sequential, cell.workloadKey == sequential.workloadKey,
              !cell.checksumDisagrees, !sequential.checksumDisagrees,
              let mine = cell.parts, let alone = sequential.parts, mine.totalSeconds > 0, alone.totalSeconds > 0,
              mine.totalSeconds.isFinite, alone.totalSeconds.isFinite
        else { return nil }
        let workers = Double(cell.workers)
        func added(_ name: String) -> Double { mine.seconds(of: name) - alone.seconds(of: name) / workers }
        // Waiting for a core is inside the lanes' work and exchange; the scheduler's count of
        // it per lane, less the sequential lane's over the workers, comes out of the work
        // (when both cells counted it: async lanes and older runs have no count).
        var waiting = 0.0
        if let own = cell.counters.laneWaitingSeconds, let alone = sequential.counters.laneWaitingSeconds { waiting = own - alone / workers }
        let seconds: [String: Double] = [
            "startup": added("startup"), "exchange": added("exchange"), "idle": added("idle"), "waiting": waiting,
            "task_slowdown": added("work") - waiting, "teardown": added("teardown"), "residual": added("residual"),
        ]
        let measured = mine.totalSeconds
        workload = cell.workload
        parameters = cell.parameters
        tasks = cell.tasks
        mode = cell.mode
        self.workers = cell.workers
        label = cell.label
        cellKey = cell.cellKey
        sequentialSeconds = alone.totalSeconds
        idealSeconds = alone.totalSeconds / workers
        measuredSeconds = measured
        parts = Self.partNames.map { name in
            let value = seconds[name] ?? 0
            return Part(name: name, seconds: value, lostSpeedup: workers * value / measured)
        }
    }

    /// The stacks of every parallel cell of `summaries` that has a sequential cell to stand on,
    /// in the summaries' order.
    package static func stacks(of summaries: [CellSummary]) -> [SpeedupStack] {
        summaries.compactMap { cell in
            summaries.first { $0.mode == .sequential && $0.workloadKey == cell.workloadKey }.flatMap { SpeedupStack(cell: cell, sequential: $0) }
        }
    }

    /// The words for a part, for this mode.
    package func words(for name: String) -> String {
        switch (name, mode) {
        case ("exchange", .processes): "moving tasks and results (bytes and wake-ups)"
        case ("exchange", .async): "scheduling tasks"
        case ("exchange", _): "claiming tasks"
        default: Self.partWords.first { $0.part == name }?.words ?? "not accounted for"
        }
    }

    /// One sentence: "processes x2: 1.73x instead of 2.00x: moving tasks and results 0.12x
    /// (24.9 ms), ..." with the parts that lost at least 0.01x (rounded), largest first, and
    /// the ones that gained, if any. `exchange` names the exchange part instead of
    /// ``words(for:)`` (`lab explain` says the bytes moved).
    package func sentence(exchange: String? = nil) -> String {
        let words = { (name: String) in name == "exchange" ? exchange ?? self.words(for: name) : self.words(for: name) }
        let fixed = { (value: Double) in NumberFormatting.fixed(value, decimals: 2) }
        var text = "\(label): \(fixed(achievedSpeedup))x instead of \(fixed(idealSpeedup))x"
        let lost = parts.filter { $0.lostSpeedup >= 0.005 }.sorted { $0.lostSpeedup > $1.lostSpeedup }
        let gained = parts.filter { $0.lostSpeedup <= -0.005 }.sorted { $0.lostSpeedup < $1.lostSpeedup }
        if lost.isEmpty && gained.isEmpty { return text + ": nothing lost beyond 0.01x" }
        if !lost.isEmpty {
            text += ": " + lost.map { "\(words($0.name)) \(fixed($0.lostSpeedup))x (\(NumberFormatting.duration($0.seconds)))" }.joined(separator: ", ")
        }
        if !gained.isEmpty {
            text += "; gained: " + gained.map { "\($0.name == "task_slowdown" ? "tasks faster side by side" : words($0.name)) \(fixed(-$0.lostSpeedup))x (\(NumberFormatting.duration(-$0.seconds)))" }.joined(separator: ", ")
        }
        return text
    }

    /// The columns of `stack.csv`: a row per cell and part.
    package static let header = [
        "workload", "params", "tasks", "mode", "workers", "cell", "sequential_s", "ideal_s", "measured_s", "ideal_x", "achieved_x", "part", "part_s", "lost_x",
    ]

    /// `stack.csv`: every stack's parts, a row each.
    package static func csv(_ stacks: [SpeedupStack]) -> String {
        let six = { (value: Double) in NumberFormatting.fixed(value, decimals: 6) }
        let three = { (value: Double) in NumberFormatting.fixed(value, decimals: 3) }
        return CSV.record(header) + stacks.flatMap { stack in
            stack.parts.map { part in
                CSV.record([
                    stack.workload, stack.parameters, String(stack.tasks), stack.mode.rawValue, String(stack.workers), stack.label, six(stack.sequentialSeconds),
                    six(stack.idealSeconds), six(stack.measuredSeconds), three(stack.idealSpeedup), three(stack.achievedSpeedup), part.name,
                    six(part.seconds), three(part.lostSpeedup),
                ])
            }
        }.joined()
    }
}
