import LabCore

/// `lab explain`: per workload, in plain words, which mode won and by how much, and for every
/// other cell the two largest reasons it took longer, each with its measured share of that
/// cell's time. Every sentence carries numbers from the run; where the run has no breakdown
/// (made by lab 0.3.0 or older) it says so instead of guessing.
package struct Explanation {
    package let summaries: [CellSummary]
    /// Median bytes to and from the workers per cell, by cell key (process mode).
    let bytes: [String: (to: Double, from: Double)]

    /// Another runtime that made the run (run.json's `runtime`, such as the Python peer's);
    /// `nil` for the lab's own runs.
    let runtime: String?
    /// The cores of the machine that made the run (run.json's), to say when lanes outnumbered
    /// them; `nil` when unknown.
    let cores: Int?

    /// The run's unit costs and batch, for the speedup stacks.
    let stackContext: SpeedupStack.Context

    package init(
        summaries: [CellSummary], records: [RepetitionRecord], runtime: String? = nil, cores: Int? = nil,
        stackContext: SpeedupStack.Context = SpeedupStack.Context(nil)
    ) {
        self.stackContext = stackContext
        self.summaries = summaries
        self.runtime = runtime
        self.cores = cores
        var grouped: [String: [RepetitionRecord]] = [:]
        for record in records where record.status == .ok {
            grouped[RepetitionKey(record).cellKey, default: []].append(record)
        }
        bytes = grouped.mapValues { records in
            (
                Statistics.median(records.map { Double($0.bytesToWorkers) }) ?? 0,
                Statistics.median(records.map { Double($0.bytesFromWorkers) }) ?? 0
            )
        }
    }

    /// The workload names of the run, in its order.
    package var workloads: [String] {
        var names: [String] = []
        for cell in summaries where !names.contains(cell.workload) { names.append(cell.workload) }
        return names
    }

    /// The text for every workload setting of `workload` (all when `nil`).
    package func render(workload: String? = nil) -> String {
        CellSummary.byWorkload(summaries).filter { workload == nil || $0[0].workload == workload }.map(explain).joined(
            separator: "\n")
    }

    func explain(_ cells: [CellSummary]) -> String {
        let first = cells[0]
        var text =
            "\(first.workload) (\(first.kind.rawValue)), "
            + "\(first.parameters.isEmpty ? "" : first.parameters + ", ")\(first.tasks) tasks\n"
        let measured = cells.filter { $0.wallMedian != nil }
        for cell in cells where cell.wallMedian == nil {
            if let reason = cell.unavailableReason {
                text += "  \(cell.label) was not run: \(reason).\n"
            } else {
                text +=
                    "  \(cell.label) failed in every repetition: no time to explain (see results.csv, column error).\n"
            }
        }
        guard let fastest = measured.min(by: { $0.wallMedian! < $1.wallMedian! }), let best = fastest.wallMedian else {
            return text
        }
        text += "  " + winner(fastest, among: measured) + "\n"
        if let parts = fastest.parts, best > 0, parts.idleSeconds >= 0.05 * best {
            text +=
                "  Even so, its lanes had nothing to do for \(NumberFormatting.percent(parts.idleSeconds / best)) of "
                + "its time (\(NumberFormatting.duration(parts.idleSeconds)) per lane): the tail, while the last "
                + "tasks ran on the other lanes.\n"
        }
        for cell in measured {
            if let disturbed = disturbance(cell) { text += "  " + disturbed + "\n" }
        }
        guard fastest.parts != nil else {
            if let runtime {
                text += "  This run has no breakdown of its times: \(runtime) made it, and records no timeline.\n"
            } else {
                text +=
                    "  This run has no breakdown of its times (no timeline: it was made by lab 0.3.0 or older, or "
                    + "without recording);\n"
                text += "  run it again with this lab to see where the time went.\n"
            }
            return text
        }
        for cell in measured where cell.cellKey != fastest.cellKey {
            text += "  " + compare(cell, with: fastest) + "\n"
            for sentence in machineSentences(cell, against: fastest) { text += "    " + sentence + "\n" }
        }
        for sentence in machineSentences(fastest, against: nil) { text += "  " + sentence + "\n" }
        let stacks = SpeedupStack.stacks(of: cells, context: stackContext)
        if !stacks.isEmpty {
            text +=
                "  Why not the ideal speedup (sequential time over the workers; each part's speedup lost and time, "
                + "stack.csv):\n"
            let predictions = StackPrediction.predictions(of: cells, context: stackContext)
            for stack in stacks {
                text += "    " + stack.sentence() + ".\n"
                if let prediction = predictions[stack.cellKey] {
                    text += "      " + Explanation.predicted(prediction, against: stack) + ".\n"
                }
            }
            if stackContext.costs == nil {
                text +=
                    "    (This run records no unit costs, made before lab 0.9.0: bytes, wake-ups and faults are not "
                    + "priced, and the exchange is not accounted for.)\n"
            }
        }
        return text
    }

    /// Whose 95% interval overlaps the fastest cell's: those are as fast, as far as the run
    /// can tell.
    func tied(with fastest: CellSummary, among cells: [CellSummary]) -> [CellSummary] {
        guard let theirs = fastest.wallConfidence else { return [] }
        return cells.filter { $0.cellKey != fastest.cellKey && ($0.wallConfidence?.overlaps(theirs) ?? false) }
            .sorted { $0.wallMedian! < $1.wallMedian! }
    }

    /// "Fastest: threads x2, 2.00 times as fast as sequential (0.501 s against 1.001 s)." When
    /// other cells are within the fastest's noise, it names them all as a tie instead of
    /// crowning one.
    func winner(_ fastest: CellSummary, among measured: [CellSummary]) -> String {
        let best = fastest.wallMedian!
        let tie = [fastest] + tied(with: fastest, among: measured)
        let sequential = measured.first { $0.mode == .sequential }
        if tie.count > 1 {
            let names = Explanation.list(tie.map(\.label))
            let walls = NumberFormatting.durations(
                tie.map { $0.wallMedian! } + [sequential?.wallMedian].compactMap { $0 }, distinct: true)
            let range =
                walls[0] == walls[tie.count - 1] ? "all about " + walls[0] : walls[0] + " to " + walls[tie.count - 1]
            let noise =
                "their 95% intervals overlap, so the differences between them are noise at "
                + "\(tie.map(\.succeeded).min()!) repetitions"
            if tie.contains(where: { $0.mode == .sequential }) {
                return "No mode beat sequential beyond the noise: \(names) (medians \(range)); \(noise)."
            }
            if let base = sequential?.wallMedian {
                let speedups = tie.map { base / $0.wallMedian! }
                let (low, high) = (
                    NumberFormatting.fixed(speedups.min()!, decimals: 2),
                    NumberFormatting.fixed(speedups.max()!, decimals: 2)
                )
                let speed = low == high ? "all about \(low) times" : "between \(low) and \(high) times"
                return "Fastest, tied: \(names), \(speed) as fast as sequential "
                    + "(medians \(range) against \(walls.last!)); \(noise)."
            }
            return "Fastest, tied: \(names) (medians \(range)); \(noise)."
        }
        if let base = sequential?.wallMedian, fastest.mode != .sequential {
            let walls = NumberFormatting.durations([best, base])
            return
                "Fastest: \(fastest.label), \(times(base / best)) as fast as sequential (\(walls[0]) against "
                + "\(walls[1]))."
        }
        return "Fastest: \(fastest.label) (\(NumberFormatting.duration(best)))."
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// "processes x2 took 4.70 times as long as threads x2: reason (share, time), reason (...)."
    func compare(_ slow: CellSummary, with fast: CellSummary) -> String {
        let ratio = slow.wallMedian! / fast.wallMedian!
        var sentence = "\(slow.label) took \(times(ratio)) as long as \(fast.label)"
        if let mine = slow.wallConfidence, let theirs = fast.wallConfidence, mine.overlaps(theirs) {
            let bounds = NumberFormatting.durations([
                mine.lowerBound, mine.upperBound, theirs.lowerBound, theirs.upperBound,
            ])
            return sentence
                + ": within the noise (95% intervals: \(slow.label) \(bounds[0])-\(bounds[1]), \(fast.label) "
                + "\(bounds[2])-\(bounds[3]))."
        }
        guard let parts = slow.parts, let fastParts = fast.parts, let wall = slow.wallMedian, wall > 0 else {
            return sentence + " (no breakdown of its time)."
        }
        // The parts that grew the most against the faster cell are the reasons.
        typealias Part = (name: String, seconds: Double, excess: Double)
        let all: [Part] = zip(parts.parts, fastParts.parts).map { part, other in
            (part.name, part.seconds, part.seconds - other.seconds)
        }
        let ranked = all.filter { $0.name != "residual" && $0.excess > 0 }.sorted { $0.excess > $1.excess }
        // A second reason under half a percent of the time is noise, not a reason.
        let grown = ranked.prefix(1) + ranked.dropFirst().prefix(1).filter { $0.seconds >= 0.005 * wall }
        let reasons = grown.map { part in
            let pair = NumberFormatting.durations([part.seconds, fastParts.seconds(of: part.name)])
            return
                "\(describe(part.name, of: slow, against: fast)) took \(NumberFormatting.percent(part.seconds / wall)) "
                + "of its time "
                + "(\(pair[0]); \(pair[1]) in \(fast.label))"
        }
        if reasons.isEmpty { return sentence + ": no part of it grew; the difference is within the residual." }
        sentence += ": " + reasons.joined(separator: "; ") + "."
        return sentence
    }

    /// The share of its wall time each lane of `cell` waited for a core; `nil` unmeasured.
    static func waitingShare(_ cell: CellSummary) -> Double? {
        guard let waiting = cell.counters.laneWaitingSeconds, let wall = cell.wallMedian, wall > 0 else { return nil }
        return waiting / wall
    }

    /// "each thread waited for a core 74% of its time (8 threads on 2 cores)", when it waited
    /// 5% or more.
    func waitingPhrase(_ cell: CellSummary) -> String? {
        guard let share = Explanation.waitingShare(cell), share >= 0.05 else { return nil }
        let noun = cell.mode.laneNoun
        let lanes = cell.mode == .sequential ? 1 : cell.workers
        let crowd =
            cores.map { cores in lanes > cores ? " (\(lanes) \(noun)s on \(cores) core\(cores == 1 ? "" : "s"))" : "" }
            ?? ""
        return
            "\(lanes == 1 ? "the" : "each") \(noun) waited for a core \(NumberFormatting.percent(share)) of the "
            + "time\(crowd)"
    }

    /// Sentences that cite what the machine did in `cell`, where a counter says something a
    /// learner should see: page faults far above the faster cell's, waiting for a core, the
    /// workers' shared memory counted once per worker in RSS. `fast` is the cell it lost to,
    /// `nil` for the fastest itself.
    func machineSentences(_ cell: CellSummary, against fast: CellSummary?) -> [String] {
        var sentences: [String] = []
        let counters = cell.counters
        if let fast, let mine = Explanation.faults(cell), let theirs = Explanation.faults(fast), mine >= 2 * theirs,
            mine - theirs >= 1000
        {
            let who = cell.mode == .processes ? "the workers and the coordinator" : "it"
            var because = ""
            if cell.mode == .processes, fast.mode != .processes {
                // Inputs of a mebibyte or more a repetition are where fresh pages go; without
                // them, the faults are each new process loading itself.
                let moved = (bytes[cell.cellKey]?.to ?? 0) >= 1_048_576
                because =
                    moved
                    ? ": every worker is a fresh process, and each input it receives lands in memory the kernel must "
                        + "hand over page by page"
                    : ": every worker is a fresh process that faults in its own copy of the lab's pages and a heap of "
                        + "its own as it starts"
            }
            sentences.append(
                "Page faults: \(who) took \(Explanation.grouped(mine)) a repetition, \(fast.label) "
                    + "\(Explanation.grouped(theirs))\(because)."
            )
        }
        if let waiting = waitingPhrase(cell) {
            sentences.append("Waiting for a core: \(waiting), runnable but not running.")
        }
        if cell.mode == .processes, let resident = counters.workersResidentKiB,
            let proportional = counters.workersProportionalKiB,
            let unique = counters.workersUniqueKiB, proportional > 0
        {
            let workers =
                "the \(cell.workers) worker\(cell.workers == 1 ? "" : "s") held "
                + "\(Explanation.mebibytes(resident * 1024)) resident (RSS)"
            let (rss, pss, uss) = (resident * 1024, proportional * 1024, unique * 1024)
            // Mostly shared pages, counted once per worker by RSS; or mostly their own.
            sentences.append(
                resident >= 1.5 * proportional
                    ? "Memory: \(workers), but their proportional share (PSS) was \(Explanation.mebibytes(pss)) and "
                        + "only \(Explanation.mebibytes(uss)) was theirs alone (USS): "
                        + "RSS counts the lab binary's and libraries' shared pages once in every worker."
                    : "Memory: \(workers), \(Explanation.mebibytes(pss)) as their proportional share (PSS) and "
                        + "\(Explanation.mebibytes(uss)) theirs alone (USS): "
                        + "most of it is memory each worker allocated for itself, a second heap beside the "
                        + "coordinator's (\(NumberFormatting.percent(uss / rss)) of RSS)."
            )
        }
        return sentences
    }

    /// Page faults of a cell a repetition, the coordinator's and the workers'; `nil` unmeasured.
    static func faults(_ cell: CellSummary) -> Double? {
        guard let own = cell.counters.coordinatorMinorFaults else { return nil }
        return own + (cell.counters.coordinatorMajorFaults ?? 0) + (cell.counters.workersMinorFaults ?? 0)
            + (cell.counters.workersMajorFaults ?? 0)
    }

    /// "primes threads x2: 3 of 5 repetitions were disturbed ...", when any was.
    func disturbance(_ cell: CellSummary) -> String? {
        guard let count = cell.counters.disturbed, count > 0 else { return nil }
        let cores =
            cell.counters.worstOthersCores.map {
                " (other processes or the hypervisor took up to \(NumberFormatting.fixed($0, decimals: 2)) cores)"
            } ?? ""
        return
            "Disturbed: \(count) of \(cell.succeeded) repetitions of \(cell.label) shared the machine with other "
            + "work\(cores); its times are not this code's alone."
    }

    /// "Predicted 187 ms from the sequential cell and the unit costs, 4.2% short; the part it
    /// got most wrong: waiting for a core (0 us predicted, 13.5 ms measured)".
    static func predicted(_ prediction: StackPrediction, against stack: SpeedupStack) -> String {
        let miss = prediction.predictedSeconds / stack.measuredSeconds - 1
        var text =
            "Predicted \(NumberFormatting.duration(prediction.predictedSeconds)) from the sequential cell and the unit "
            + "costs"
        text += ", " + NumberFormatting.fixed(abs(miss) * 100, decimals: 1) + "% " + (miss < 0 ? "short" : "over")
        if let worst = prediction.worstMiss(against: stack) {
            text +=
                "; the part it got most wrong: \(stack.words(for: worst.part)) "
                + "(\(NumberFormatting.duration(worst.predicted)) predicted, "
                + "\(NumberFormatting.duration(worst.measured)) measured)"
        }
        return text
    }

    /// `31,000`: a count with thousands separated.
    package static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var text = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return String(text.reversed())
    }

    /// What a part of a cell's time is, in the tutorial's words, with the run's numbers.
    func describe(_ part: String, of cell: CellSummary, against fast: CellSummary) -> String {
        let lanes = cell.mode == .sequential ? 1 : cell.workers
        switch (part, cell.mode) {
        case ("startup", .processes): return "starting \(lanes) worker process\(lanes == 1 ? "" : "es")"
        case ("startup", .threads): return "starting \(lanes) thread\(lanes == 1 ? "" : "s")"
        case ("startup", _): return "getting started"
        case ("exchange", .processes):
            let moved =
                bytes[cell.cellKey].map {
                    " (\(Explanation.mebibytes($0.to)) to the workers, \(Explanation.mebibytes($0.from)) back)"
                } ?? ""
            let through =
                switch cell.transport ?? .default {
                case .pipe: "through pipes"
                case .socketpair: "through socket pairs"
                case .shm: "through shared memory"
                }
            return "handing tasks to the workers and results back \(through), wake-ups included\(moved)"
        case ("exchange", .async): return "scheduling each task on the cooperative threads and making its input"
        case ("exchange", _): return "claiming tasks and making their inputs"
        case ("idle", _): return "the tail (lanes with nothing left to do while the last tasks ran)"
        case ("teardown", .processes): return "stopping the workers"
        case ("teardown", _): return "winding the pool down"
        default:
            // Work: either the tasks ran slower (interference) or on fewer lanes.
            if let slowdown = cell.taskSlowdown, slowdown >= 1.2, slowdown > (fast.taskSlowdown ?? 1) * 1.1 {
                return "running the tasks (each ran \(times(slowdown)) as long as alone: task slowdown)"
            }
            let fastLanes = fast.mode == .sequential ? 1 : fast.workers
            if lanes < fastLanes {
                return "running the tasks (on \(lanes) lane\(lanes == 1 ? "" : "s") instead of \(fastLanes))"
            }
            return "running the tasks"
        }
    }

    /// `1.2 ms-1.4 ms`.
    static func interval(_ range: ClosedRange<Double>) -> String {
        NumberFormatting.duration(range.lowerBound) + "-" + NumberFormatting.duration(range.upperBound)
    }

    static func mebibytes(_ bytes: Double) -> String {
        bytes >= 1_048_576
            ? NumberFormatting.fixed(bytes / 1_048_576, decimals: 1) + " MiB"
            : NumberFormatting.fixed(bytes / 1024, decimals: 1) + " KiB"
    }

    /// `1.60 times`.
    func times(_ ratio: Double) -> String { NumberFormatting.fixed(ratio, decimals: 2) + " times" }
}
