import LabCore

/// Why a parallel cell is not as many times as fast as it has workers: the gap between its
/// ideal time (the sequential cell's time shared out over the workers) and its measured time,
/// cut into named parts that add up to the gap exactly (after Eyerman, Du Bois and Eeckhout's
/// speedup stacks).
///
/// Both times are the parts of the median repetition (``CellSummary/parts``), which add up to
/// its wall time. Start-up, idle lanes, waiting for a core and teardown are measured: each is
/// the cell's own part (the average lane's, as in the breakdown) less the sequential cell's
/// same part over the workers. Three parts are counters turned into time with the machine's
/// unit costs (``UnitCosts``): the bytes moved over the transport, the hand-outs (a worker's
/// wake-up for each batch, a thread's claim), and the page faults beyond the sequential
/// cell's. The bytes and hand-outs come out of the measured exchange, the faults out of the
/// measured work (which also holds the waiting for a core); what the work keeps is the tasks'
/// own slowdown side by side, and what the exchange keeps is not accounted for. Without unit
/// costs (a run before 0.9.0) the three are zero and the exchange is all unaccounted. A part
/// can be negative: lanes that gained there.
package struct SpeedupStack: Sendable, Equatable {
    /// One part of the gap.
    package struct Part: Sendable, Equatable {
        /// The name in `stack.csv`: one of ``partNames``.
        package var name: String
        package var seconds: Double
        /// Speedup lost to it: workers × seconds / measured; the parts' sum is the ideal speedup
        /// less the achieved one.
        package var lostSpeedup: Double
    }

    /// What a stack (and a prediction) needs besides the cells: the run's unit costs, batch
    /// and cores.
    package struct Context: Sendable, Equatable {
        package var costs: UnitCosts?
        package var batch: BatchSize
        /// The cores the lanes share: those the costs were measured on (a run held to fewer by
        /// its affinity says so there), else the machine's; `nil` when unknown, and then every
        /// lane is taken to have a core of its own.
        package var cores: Int?

        package init(costs: UnitCosts?, batch: BatchSize, cores: Int? = nil) {
            self.costs = costs
            self.batch = batch
            self.cores = cores ?? costs?.cores
        }

        /// A run's: its unit costs, its `--batch` (a run before the option handed out one task
        /// at a time) and its cores.
        package init(_ description: RunDescription?) {
            costs = description?.unitCosts
            switch description?.plan.batch {
            case "auto": batch = .automatic
            case let text?: batch = .fixed(Int(text).map { max($0, 1) } ?? 1)
            case nil: batch = .fixed(1)
            }
            cores = description?.unitCosts?.cores ?? description?.machine.cores
        }

        /// Tasks a lane claims at once in `mode`: async hands out every task alone, a pool a
        /// batch at a time.
        package func tasksPerClaim(_ mode: ExecutionMode, tasks: Int, workers: Int) -> Int {
            mode == .async ? 1 : batch.tasksPerClaim(taskCount: tasks, workers: workers)
        }

        /// Handing out `tasks` in `mode` (for processes over `transport`) on `workers` lanes:
        /// the claims, and the seconds each lane spends on its share of them (a cost per claim
        /// and per task, ``UnitCosts/handout(_:transport:)``); `nil` without the costs.
        package func handouts(
            _ mode: ExecutionMode, transport: Transport?, tasks: Int, workers: Int
        ) -> (claims: Int, seconds: Double)? {
            guard let each = costs?.handout(mode, transport: transport), workers > 0 else { return nil }
            let perClaim = tasksPerClaim(mode, tasks: tasks, workers: workers)
            let claims = (tasks + perClaim - 1) / perClaim
            return (claims, (Double(claims) * each.perClaim + Double(tasks) * each.perTask) / Double(workers))
        }
    }

    /// The parts, in the order they are drawn and said, each with its words for any mode
    /// (``words(for:)`` names some by the mode and the counts).
    package static let partWords: [(part: String, words: String)] = [
        ("startup", "start-up"), ("bytes", "moving bytes"), ("handouts", "handing out tasks"),
        ("idle", "imbalance and tail"),
        ("waiting", "waiting for a core"), ("faults", "extra page faults"),
        ("task_slowdown", "tasks slower side by side"),
        ("teardown", "teardown"), ("residual", "not accounted for"),
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
    /// The counters behind the counted parts: bytes moved both ways, batches handed out,
    /// page faults beyond the sequential cell's (and a worker's own start); `nil` when not
    /// counted or not priced.
    package let bytesMoved: Double?
    package let handouts: Int?
    package let extraFaults: Double?

    /// The speedup the workers would give with nothing lost: their count.
    package var idealSpeedup: Double { Double(workers) }
    /// Sequential time over measured time.
    package var achievedSpeedup: Double { sequentialSeconds / measuredSeconds }
    /// Measured less ideal: what the parts add up to.
    package var gapSeconds: Double { measuredSeconds - idealSeconds }

    /// The seconds of the part named `name`.
    package func seconds(of name: String) -> Double { parts.first { $0.name == name }?.seconds ?? 0 }

    /// The stack of `cell` against `sequential` (the same workload, parameters and tasks);
    /// `nil` for a sequential cell, a cell of one worker, or when either has no breakdown or no
    /// time (an older run, a cell that failed, a checksum that disagrees).
    package init?(cell: CellSummary, sequential: CellSummary, context: Context) {
        guard cell.mode != .sequential, cell.workers > 1, sequential.mode == .sequential,
            cell.workloadKey == sequential.workloadKey,
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
        if let own = cell.counters.laneWaitingSeconds, let alone = sequential.counters.laneWaitingSeconds {
            waiting = own - alone / workers
        }
        let costs = context.costs
        // The counted parts, per lane: bytes over the transport, a hand-out per batch, faults.
        var bytes = 0.0
        var moved: Double?
        if cell.mode == .processes, let to = cell.counters.bytesToWorkers, let from = cell.counters.bytesFromWorkers,
            let perByte = costs?.secondsPerByte(cell.transport ?? .default)
        {
            moved = to + from
            bytes = (to + from) * perByte / workers
        }
        let handed = context.handouts(cell.mode, transport: cell.transport, tasks: cell.tasks, workers: cell.workers)
        let handouts = handed?.seconds ?? 0
        var faults = 0.0
        var extra: Double?
        if let own = cell.counters.coordinatorMinorFaults, let alone = sequential.counters.coordinatorMinorFaults,
            let each = costs?.faultSeconds
        {
            var beyond = own + (cell.counters.workersMinorFaults ?? 0) - alone
            if cell.mode == .processes {
                // A worker's own start, and a dataset it copies as it starts, fault in the
                // start-up, not in the work.
                beyond -= workers * (costs?.workerFaults(start: cell.start) ?? 0)
                if cell.dataset == .copy, let dataset = cell.counters.datasetBytes {
                    beyond -= workers * (dataset / Double(Platform.pageSize)).rounded(.up)
                }
            }
            extra = beyond
            faults = beyond * each / workers
        }
        let seconds: [String: Double] = [
            "startup": added("startup"), "bytes": bytes, "handouts": handouts, "idle": added("idle"),
            "waiting": waiting, "faults": faults,
            "task_slowdown": added("work") - waiting - faults, "teardown": added("teardown"),
            "residual": added("exchange") - bytes - handouts + added("residual"),
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
        bytesMoved = moved
        self.handouts = handed?.claims
        extraFaults = extra
        parts = Self.partNames.map { name in
            let value = seconds[name] ?? 0
            return Part(name: name, seconds: value, lostSpeedup: workers * value / measured)
        }
    }

    /// The stacks of every parallel cell of `summaries` that has a sequential cell to stand on,
    /// in the summaries' order.
    package static func stacks(of summaries: [CellSummary], context: Context) -> [SpeedupStack] {
        summaries.compactMap { cell in
            summaries.first { $0.mode == .sequential && $0.workloadKey == cell.workloadKey }.flatMap {
                SpeedupStack(cell: cell, sequential: $0, context: context)
            }
        }
    }

    /// The words for a part, for this mode, with its count where it has one.
    package func words(for name: String) -> String {
        switch (name, mode) {
        case ("bytes", _): bytesMoved.map { "moving \(Explanation.mebibytes($0))" } ?? "moving bytes"
        case ("handouts", .processes): handouts.map { "\(Explanation.grouped(Double($0))) wake-ups" } ?? "wake-ups"
        case ("handouts", .async): "scheduling tasks"
        case ("handouts", _): "claiming tasks"
        case ("faults", _):
            extraFaults.map {
                $0 >= 0
                    ? "\(Explanation.grouped($0)) more page faults" : "\(Explanation.grouped(-$0)) fewer page faults"
            } ?? "extra page faults"
        default: Self.partWords.first { $0.part == name }?.words ?? "not accounted for"
        }
    }

    /// One sentence: "processes x2: 1.58x instead of 2.00x: moving 64 MiB 0.26x (21.5 ms),
    /// ..." with the parts that lost at least 0.01x (rounded), largest first, and the ones
    /// that gained, if any.
    package func sentence() -> String {
        let fixed = { (value: Double) in NumberFormatting.fixed(value, decimals: 2) }
        var text = "\(label): \(fixed(achievedSpeedup))x instead of \(fixed(idealSpeedup))x"
        let lost = parts.filter { $0.lostSpeedup >= 0.005 }.sorted { $0.lostSpeedup > $1.lostSpeedup }
        let gained = parts.filter { $0.lostSpeedup <= -0.005 }.sorted { $0.lostSpeedup < $1.lostSpeedup }
        if lost.isEmpty && gained.isEmpty { return text + ": nothing lost beyond 0.01x" }
        if !lost.isEmpty {
            text +=
                ": "
                + lost.map {
                    "\(words(for: $0.name)) \(fixed($0.lostSpeedup))x (\(NumberFormatting.duration($0.seconds)))"
                }.joined(separator: ", ")
        }
        if !gained.isEmpty {
            text +=
                "; gained: "
                + gained.map {
                    "\($0.name == "task_slowdown" ? "tasks faster side by side" : words(for: $0.name)) "
                        + "\(fixed(-$0.lostSpeedup))x (\(NumberFormatting.duration(-$0.seconds)))"
                }.joined(separator: ", ")
        }
        return text
    }

    /// The columns of `stack.csv`: a row per cell and part.
    package static let header = [
        "workload", "params", "tasks", "mode", "workers", "cell", "sequential_s", "ideal_s", "measured_s",
        "predicted_s", "ideal_x", "achieved_x",
        "part", "part_s", "lost_x", "predicted_part_s",
    ]

    /// `stack.csv`: every stack's parts, a row each, with the cell's prediction (by cell key;
    /// empty fields without one).
    package static func csv(_ stacks: [SpeedupStack], predictions: [String: StackPrediction] = [:]) -> String {
        let six = { (value: Double) in NumberFormatting.fixed(value, decimals: 6) }
        let three = { (value: Double) in NumberFormatting.fixed(value, decimals: 3) }
        return CSV.record(header)
            + stacks.flatMap { stack in
                let prediction = predictions[stack.cellKey]
                return stack.parts.map { part in
                    CSV.record([
                        stack.workload, stack.parameters, String(stack.tasks), stack.mode.rawValue,
                        String(stack.workers), stack.label, six(stack.sequentialSeconds),
                        six(stack.idealSeconds), six(stack.measuredSeconds),
                        prediction.map { six($0.predictedSeconds) } ?? "", three(stack.idealSpeedup),
                        three(stack.achievedSpeedup), part.name, six(part.seconds), three(part.lostSpeedup),
                        prediction.map { six($0.seconds(of: part.name)) } ?? "",
                    ])
                }
            }.joined()
    }
}
