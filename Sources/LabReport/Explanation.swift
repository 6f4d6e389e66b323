import LabCore

/// `lab explain`: per workload, in plain words, which mode won and by how much, and for every
/// other cell the two largest reasons it took longer, each with its measured share of that
/// cell's time. Every sentence carries numbers from the run; where the run has no breakdown
/// (made by lab 0.3.0 or older) it says so instead of guessing.
public struct Explanation {
    public let summaries: [CellSummary]
    /// Median bytes to and from the workers per cell, by cell key (process mode).
    let bytes: [String: (to: Double, from: Double)]

    /// Another runtime that made the run (run.json's `runtime`, such as the Python peer's);
    /// `nil` for the lab's own runs.
    let runtime: String?

    public init(summaries: [CellSummary], records: [RepetitionRecord], runtime: String? = nil) {
        self.summaries = summaries
        self.runtime = runtime
        var grouped: [String: [RepetitionRecord]] = [:]
        for record in records where record.status == .ok {
            grouped[RepetitionKey(record).cellKey, default: []].append(record)
        }
        bytes = grouped.mapValues { records in
            (Statistics.median(records.map { Double($0.bytesToWorkers) }) ?? 0, Statistics.median(records.map { Double($0.bytesFromWorkers) }) ?? 0)
        }
    }

    /// The workload names of the run, in its order.
    public var workloads: [String] {
        var names: [String] = []
        for cell in summaries where !names.contains(cell.workload) { names.append(cell.workload) }
        return names
    }

    /// The text for every workload setting of `workload` (all when `nil`).
    public func render(workload: String? = nil) -> String {
        CellSummary.byWorkload(summaries).filter { workload == nil || $0[0].workload == workload }.map(explain).joined(separator: "\n")
    }

    func explain(_ cells: [CellSummary]) -> String {
        let first = cells[0]
        var text = "\(first.workload) (\(first.kind.rawValue)), \(first.parameters.isEmpty ? "" : first.parameters + ", ")\(first.tasks) tasks\n"
        let measured = cells.filter { $0.wallMedian != nil }
        for cell in cells where cell.wallMedian == nil {
            if let reason = cell.unavailableReason {
                text += "  \(cell.label) was not run: \(reason).\n"
            } else {
                text += "  \(cell.label) failed in every repetition: no time to explain (see results.csv, column error).\n"
            }
        }
        guard let fastest = measured.min(by: { $0.wallMedian! < $1.wallMedian! }), let best = fastest.wallMedian else { return text }
        if let sequential = measured.first(where: { $0.mode == .sequential }), let base = sequential.wallMedian, fastest.mode != .sequential {
            text += "  Fastest: \(fastest.label), \(times(base / best)) as fast as sequential (\(NumberFormatting.duration(best)) against \(NumberFormatting.duration(base))).\n"
        } else {
            text += "  Fastest: \(fastest.label) (\(NumberFormatting.duration(best))).\n"
        }
        if let parts = fastest.parts, best > 0, parts.idleSeconds >= 0.05 * best {
            text += "  Even so, its lanes had nothing to do for \(NumberFormatting.percent(parts.idleSeconds / best)) of its time (\(NumberFormatting.duration(parts.idleSeconds)) per lane): the tail, while the last tasks ran on the other lanes.\n"
        }
        guard fastest.parts != nil else {
            if let runtime {
                text += "  This run has no breakdown of its times: \(runtime) made it, and records no timeline.\n"
            } else {
                text += "  This run has no breakdown of its times (no timeline: it was made by lab 0.3.0 or older, or without recording);\n"
                text += "  run it again with this lab to see where the time went.\n"
            }
            return text
        }
        for cell in measured where cell.cellKey != fastest.cellKey {
            text += "  " + compare(cell, with: fastest) + "\n"
        }
        return text
    }

    /// "processes x2 took 4.70 times as long as threads x2: reason (share, time), reason (...)."
    func compare(_ slow: CellSummary, with fast: CellSummary) -> String {
        let ratio = slow.wallMedian! / fast.wallMedian!
        var sentence = "\(slow.label) took \(times(ratio)) as long as \(fast.label)"
        if let mine = slow.wallConfidence, let theirs = fast.wallConfidence, mine.overlaps(theirs) {
            let intervals = Explanation.interval(mine) + " and " + Explanation.interval(theirs)
            return sentence + ": within the noise (their 95% intervals overlap: " + intervals + ")."
        }
        guard let parts = slow.parts, let fastParts = fast.parts, let wall = slow.wallMedian, wall > 0 else {
            return sentence + " (no breakdown of its time)."
        }
        // The parts that grew the most against the faster cell are the reasons.
        typealias Part = (name: String, seconds: Double, excess: Double)
        let all: [Part] = zip(parts.parts, fastParts.parts).map { part, other in (part.name, part.seconds, part.seconds - other.seconds) }
        let ranked = all.filter { $0.name != "residual" && $0.excess > 0 }.sorted { $0.excess > $1.excess }
        // A second reason under half a percent of the time is noise, not a reason.
        let grown = ranked.prefix(1) + ranked.dropFirst().prefix(1).filter { $0.seconds >= 0.005 * wall }
        let reasons = grown.map { part in
            "\(describe(part.name, of: slow, against: fast)) took \(NumberFormatting.percent(part.seconds / wall)) of its time "
                + "(\(NumberFormatting.duration(part.seconds)); \(NumberFormatting.duration(fastParts.seconds(of: part.name))) in \(fast.label))"
        }
        if reasons.isEmpty { return sentence + ": no part of it grew; the difference is within the residual." }
        sentence += ": " + reasons.joined(separator: "; ") + "."
        return sentence
    }

    /// What a part of a cell's time is, in the tutorial's words, with the run's numbers.
    func describe(_ part: String, of cell: CellSummary, against fast: CellSummary) -> String {
        let lanes = cell.mode == .sequential ? 1 : cell.workers
        switch (part, cell.mode) {
        case ("startup", .processes): return "starting \(lanes) worker process\(lanes == 1 ? "" : "es")"
        case ("startup", .threads): return "starting \(lanes) thread\(lanes == 1 ? "" : "s")"
        case ("startup", _): return "getting started"
        case ("exchange", .processes):
            let moved = bytes[cell.cellKey].map { " (\(Explanation.mebibytes($0.to)) to the workers, \(Explanation.mebibytes($0.from)) back)" } ?? ""
            let through =
                switch cell.transport ?? .pipe {
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
            if lanes < fastLanes { return "running the tasks (on \(lanes) lane\(lanes == 1 ? "" : "s") instead of \(fastLanes))" }
            return "running the tasks"
        }
    }

    /// `1.2 ms-1.4 ms`.
    static func interval(_ range: ClosedRange<Double>) -> String {
        NumberFormatting.duration(range.lowerBound) + "-" + NumberFormatting.duration(range.upperBound)
    }

    static func mebibytes(_ bytes: Double) -> String {
        bytes >= 1_048_576 ? NumberFormatting.fixed(bytes / 1_048_576, decimals: 1) + " MiB" : NumberFormatting.fixed(bytes / 1024, decimals: 1) + " KiB"
    }

    /// `1.60 times`.
    func times(_ ratio: Double) -> String { NumberFormatting.fixed(ratio, decimals: 2) + " times" }
}

extension TimeBreakdown {
    /// The part named `name` (as in ``parts``), 0 for an unknown name.
    public func seconds(of name: String) -> Double {
        parts.first { $0.name == name }?.seconds ?? 0
    }
}

/// An ASCII timeline of one cell's median repetition: a row per lane, a column per slice of
/// time, each column showing what filled most of its slice.
public struct AsciiTimeline {
    public static let legend = "# task running   = exchange (claimed, not running)   s start-up   - teardown   ? past the kept spans   (blank) idle"
    public let width: Int

    public init(width: Int = 64) {
        self.width = width
    }

    public func render(_ cell: CellTimeline) -> String {
        let timeline = cell.timeline
        let end = max(cell.record.wallSeconds, timeline.time(of: EventRow.poolGone) ?? 0)
        guard end > 0 else { return "" }
        let slice = end / Double(width)
        let last = timeline.time(of: EventRow.lastResult) ?? end
        var text = "\(cell.cell.workload) \(cell.cell.label), repetition \(cell.record.repetition), wall \(NumberFormatting.duration(cell.record.wallSeconds)); a column is \(NumberFormatting.duration(slice))\n"
        let names = (0..<max(timeline.laneCount, 1)).map { cell.cell.mode.laneName($0) }
        let nameWidth = names.map(\.count).max() ?? 0
        for (lane, name) in names.enumerated() {
            let spans = timeline.spans.filter { $0.lane == lane }
            let ready = timeline.time(of: LaneEvent.Kind.laneReady.rawValue, lane: lane) ?? 0
            let cut = timeline.truncation(of: lane)
            var row = ""
            for column in 0..<width {
                let low = Double(column) * slice
                let high = low + slice
                func overlap(_ start: Double, _ stop: Double) -> Double { max(0, min(stop, high) - max(start, low)) }
                // A batch's bodies fill only part of its start-to-end stretch (a worker reads
                // and answers between them): count that stretch at its density.
                let work = spans.reduce(0) { $0 + overlap($1.started, $1.ended) * $1.density }
                let busy = spans.reduce(0) { $0 + overlap($1.claimed, $1.received) }
                let unkept = cut.map { overlap($0.from, $0.to) } ?? 0
                let shares: [(Character, Double)] = [
                    ("#", work), ("=", busy - work), ("s", overlap(0, ready)), ("-", overlap(last, end)), ("?", unkept),
                ]
                let winner = shares.max { $0.1 < $1.1 }!
                row.append(winner.1 > slice * 0.25 ? winner.0 : " ")
            }
            text += "  " + name.padded(to: nameWidth) + " |" + row + "|\n"
        }
        return text
    }
}
