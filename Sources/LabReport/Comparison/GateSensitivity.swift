import LabCore

/// How often `lab compare --fail-if-slower` is wrong on this machine. From one long run, its
/// repetitions of each cell are drawn, again and again, into a baseline and a candidate of n
/// repetitions each (disjoint, at random): the noise within a run. From two runs of the same
/// build (two made one after the other, or the two sides of `lab ab`), n repetition numbers
/// are drawn and the baseline takes those of the first run, the candidate those of the
/// second: the noise within the runs and the drift between them (for `lab ab`, the rounds
/// stay paired). A draw the gate fails is a false alarm. The candidate's times scaled by
/// 1 + s: a draw that fails that cell is a slowdown caught.
package struct GateSensitivity: Sendable {
    /// One repetition count's figures.
    package struct Row: Sendable, Equatable {
        package var repetitions: Int
        /// Draws of the same build against itself that the gate failed (any cell), of all.
        package var falseAlarmRate: Double
        /// The smallest slowdown of the grid caught in at least 80% of (draw, cell) pairs,
        /// of the pairs the gate judges (no disturbed repetition in the draw); `nil` when none
        /// of the grid's was.
        package var smallestCaught: Double?
        /// Each slowdown of the grid and the share of (draw, cell) pairs that caught it.
        package var caught: [(slowdown: Double, rate: Double)]
        /// Each cell ("primes threads x2") and the smallest slowdown of the grid caught in 80%
        /// of the draws that judged it, in the order of the cells' names.
        package var byCell: [(cell: String, smallestCaught: Double?)] = []

        package static func == (a: Row, b: Row) -> Bool {
            a.repetitions == b.repetitions && a.falseAlarmRate == b.falseAlarmRate
                && a.smallestCaught == b.smallestCaught
        }
    }

    /// Slowdowns injected: 1% to 50%.
    package static let slowdowns = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5]
    /// The share of draws a slowdown must be caught in to count as seen.
    package static let power = 0.8

    package let percent: Double
    package let rows: [Row]
    package let cells: Int
    /// The repetitions of the fewest-measured cell (of either run, from two).
    package let repetitionsMeasured: Int
    /// Whether the draws came from two runs (baseline from one, candidate from the other).
    package let twoRuns: Bool

    /// The figures for each of `repetitions` (each at most half the repetitions of the
    /// fewest-measured cell), from `draws` draws each, with a fixed seed so that one folder
    /// always gives one table.
    package init(records: [RepetitionRecord], percent: Double, repetitions: [Int], draws: Int = 200, seed: UInt64 = 34)
    {
        let byCell = Dictionary(grouping: records.filter { $0.status == .ok }, by: \.cellKey).filter {
            $0.value.count >= 4
        }
        // In the order of the cells' keys: a dictionary's order changes from one process to the
        // next, and with it which draws of the seeded generator each cell would get.
        let cellsInOrder = byCell.keys.sorted().compactMap { byCell[$0] }
        let measured = byCell.values.map(\.count).min() ?? 0
        self.init(
            percent: percent, repetitions: repetitions.filter { 2 * $0 <= measured }, draws: draws, seed: seed,
            cells: byCell.count, measured: measured, twoRuns: false
        ) { n, random in
            var baseline: [RepetitionRecord] = []
            var candidate: [RepetitionRecord] = []
            for cell in cellsInOrder {
                let drawn = random.shuffled(cell)
                baseline += drawn.prefix(n)
                candidate += drawn.dropFirst(n).prefix(n)
            }
            return (baseline, candidate)
        }
    }

    /// The figures from two runs of one build on one plan: each draw takes n repetition
    /// numbers that both runs measured successfully in every cell they share, the baseline's
    /// records of them from `baseline` and the candidate's from `candidate`. A count needs n
    /// such numbers.
    package init(
        baseline: [RepetitionRecord], candidate: [RepetitionRecord], percent: Double, repetitions: [Int],
        draws: Int = 200, seed: UInt64 = 34
    ) {
        let first = Dictionary(grouping: baseline.filter { $0.status == .ok }, by: \.cellKey)
        let second = Dictionary(grouping: candidate.filter { $0.status == .ok }, by: \.cellKey)
        let shared = Set(first.keys).intersection(second.keys)
        // The repetition numbers every shared cell has on both sides, and each one's record.
        var numbers: Set<Int>?
        var byNumber: [(baseline: [Int: RepetitionRecord], candidate: [Int: RepetitionRecord])] = []
        for cell in shared.sorted() {
            let a = Dictionary((first[cell] ?? []).map { ($0.repetition, $0) }) { earlier, _ in earlier }
            let b = Dictionary((second[cell] ?? []).map { ($0.repetition, $0) }) { earlier, _ in earlier }
            byNumber.append((a, b))
            let both = Set(a.keys).intersection(b.keys)
            numbers = numbers.map { $0.intersection(both) } ?? both
        }
        let common = (numbers ?? []).sorted()
        self.init(
            percent: percent, repetitions: repetitions.filter { $0 <= common.count }, draws: draws, seed: seed,
            cells: shared.count, measured: common.count, twoRuns: true
        ) { n, random in
            let drawn = random.shuffled(common).prefix(n)
            var baseline: [RepetitionRecord] = []
            var candidate: [RepetitionRecord] = []
            for sides in byNumber {
                baseline += drawn.compactMap { sides.baseline[$0] }
                candidate += drawn.compactMap { sides.candidate[$0] }
            }
            return (baseline, candidate)
        }
    }

    private init(
        percent: Double, repetitions: [Int], draws: Int, seed: UInt64, cells: Int, measured: Int, twoRuns: Bool,
        draw: (Int, inout DeterministicRandom) -> (baseline: [RepetitionRecord], candidate: [RepetitionRecord])
    ) {
        self.percent = percent
        self.cells = cells
        self.repetitionsMeasured = measured
        self.twoRuns = twoRuns
        var random = DeterministicRandom(seed: seed)
        var rows: [Row] = []
        for n in repetitions where n >= 2 && cells > 0 {
            var alarms = 0
            var caught = [Int](repeating: 0, count: Self.slowdowns.count)
            var pairs = 0
            var judged: [String: Int] = [:]
            var caughtInCell: [String: [Int]] = [:]
            for _ in 0..<draws {
                let (baseline, candidate) = draw(n, &random)
                let before = CellSummary.summarize(baseline)
                let same = RunComparison(baseline: baseline, summarized: before, candidate: candidate)
                if !same.regressions(slowerThanPercent: percent).filter({ !$0.disturbed }).isEmpty { alarms += 1 }
                // A cell with a disturbed repetition in the draw is not judged by the gate
                // (exit 3): it is neither caught nor missed.
                for match in same.comparedCells where match.disturbedRepetitions == 0 {
                    pairs += 1
                    judged[Self.name(of: match), default: 0] += 1
                }
                for (index, slowdown) in Self.slowdowns.enumerated() {
                    let slower = candidate.map { record in
                        var record = record
                        record.wallSeconds *= 1 + slowdown
                        return record
                    }
                    let found = RunComparison(baseline: baseline, summarized: before, candidate: slower).regressions(
                        slowerThanPercent: percent
                    ).filter { !$0.disturbed }
                    caught[index] += found.count
                    for regression in found {
                        caughtInCell[
                            Self.name(of: regression.match), default: Array(repeating: 0, count: Self.slowdowns.count)][
                                index] += 1
                    }
                }
            }
            let rates = caught.map { Double($0) / Double(max(pairs, 1)) }
            let byCell = judged.keys.sorted().map { cell -> (cell: String, smallestCaught: Double?) in
                let counts = caughtInCell[cell] ?? []
                return (cell, Self.smallestCaught(counts.map { Double($0) / Double(max(judged[cell] ?? 0, 1)) }))
            }
            rows.append(
                Row(
                    repetitions: n, falseAlarmRate: Double(alarms) / Double(draws),
                    smallestCaught: Self.smallestCaught(rates), caught: Array(zip(Self.slowdowns, rates)),
                    byCell: byCell))
        }
        self.rows = rows
    }

    /// A cell's name in the by-cell table: `primes threads x2`.
    private static func name(of match: RunComparison.Match) -> String { "\(match.shown.workload) \(match.shown.label)" }

    /// The smallest slowdown of the grid whose rate (one per slowdown) reaches ``power``.
    private static func smallestCaught(_ rates: [Double]) -> Double? {
        zip(slowdowns, rates).first { $0.1 >= power }?.0
    }

    /// The slowdown a recommended count must catch: 2.5 times the threshold, 5% at least.
    package var recommendedSlowdown: Double { max(percent / 100 * 2.5, 0.05) }

    /// The fewest repetitions whose false alarms are at most `falseAlarms` and that catch a
    /// slowdown of `slowdown` (``recommendedSlowdown`` unless given); `nil` when none measured does.
    package func recommended(falseAlarms: Double = 0.01, slowdown: Double? = nil) -> Int? {
        let slowdown = slowdown ?? recommendedSlowdown
        return rows.first { $0.falseAlarmRate <= falseAlarms && ($0.smallestCaught ?? .infinity) <= slowdown + 1e-9 }?
            .repetitions
    }

    /// The table and the recommendation, as `lab sensitivity` prints them.
    package var text: String {
        let source =
            twoRuns ? "draws of the same repetitions from two runs, baseline and candidate" : "random splits of one run"
        var text =
            "the gate at --fail-if-slower \(percent.shortText), from \(repetitionsMeasured) repetitions of \(cells) "
            + "cell\(cells == 1 ? "" : "s") (\(source)):\n"
        text += "repetitions  false alarms  slowdown caught 80% of the time\n"
        for row in rows {
            let caught =
                row.smallestCaught.map { NumberFormatting.fixed($0 * 100, decimals: 0) + "%" } ?? "more than 50%"
            text +=
                String(row.repetitions).leftPadded(to: 11) + "  "
                + (NumberFormatting.fixed(row.falseAlarmRate * 100, decimals: 1) + "%").leftPadded(to: 12) + "  "
                + caught + "\n"
        }
        // By cell: the noisiest cells set the table's figure.
        let names = Set(rows.flatMap { $0.byCell.map(\.cell) }).sorted()
        if !names.isEmpty {
            let width = max(names.map(\.count).max() ?? 0, 4)
            text += "slowdown caught 80% of the time, by cell and repetitions:\n"
            text += "cell".padded(to: width) + rows.map { String($0.repetitions).leftPadded(to: 8) }.joined() + "\n"
            for name in names {
                text +=
                    name.padded(to: width)
                    + rows.map { row in
                        guard let judged = row.byCell.first(where: { $0.cell == name }) else {
                            return "-".leftPadded(to: 8)
                        }
                        let caught = judged.smallestCaught.map { NumberFormatting.fixed($0 * 100, decimals: 0) + "%" }
                        return (caught ?? ">50%").leftPadded(to: 8)
                    }.joined() + "\n"
            }
            if rows.contains(where: { $0.byCell.count < names.count }) {
                text += "(-: a disturbed repetition in every draw, so the gate never judged the cell)\n"
            }
        }
        let goal = recommendedSlowdown
        if let n = recommended() {
            text +=
                "recommended: \(n) repetitions (false alarms at most 1%, a "
                + "\(NumberFormatting.fixed(goal * 100, decimals: 0))% slowdown caught 80% of the time)\n"
        } else {
            text +=
                "no repetition count measured keeps false alarms at most 1% and catches a "
                + "\(NumberFormatting.fixed(goal * 100, decimals: 0))% slowdown: measure more repetitions, raise "
                + "the threshold, or use lab ab\n"
        }
        return text
    }
}

extension DeterministicRandom {
    /// `items` in an order drawn from this generator (Fisher-Yates).
    fileprivate mutating func shuffled<Item>(_ items: [Item]) -> [Item] {
        var copy = items
        if copy.count > 1 {
            for index in stride(from: copy.count - 1, to: 0, by: -1) {
                copy.swapAt(index, Int(next() % UInt64(index + 1)))
            }
        }
        return copy
    }
}
