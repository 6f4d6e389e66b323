import LabCore

/// How often `lab compare --fail-if-slower` is wrong on this machine, from one long run:
/// its repetitions of each cell are drawn, again and again, into a baseline and a candidate of
/// n repetitions each (disjoint, at random). The same build against itself: a draw the gate
/// fails is a false alarm. The candidate's times scaled by 1 + s: a draw that fails that cell
/// is a slowdown caught. From one interleaved run the draws hold the noise within a run, not
/// the drift between runs made minutes apart (which `lab ab` keeps out of a comparison).
package struct GateSensitivity: Sendable {
    /// One repetition count's figures.
    package struct Row: Sendable, Equatable {
        package var repetitions: Int
        /// Draws of the same build against itself that the gate failed (any cell), of all.
        package var falseAlarmRate: Double
        /// The smallest slowdown of the grid caught in at least 80% of (draw, cell) pairs;
        /// `nil` when none of the grid's was.
        package var smallestCaught: Double?
        /// Each slowdown of the grid and the share of (draw, cell) pairs that caught it.
        package var caught: [(slowdown: Double, rate: Double)]

        package static func == (a: Row, b: Row) -> Bool {
            a.repetitions == b.repetitions && a.falseAlarmRate == b.falseAlarmRate && a.smallestCaught == b.smallestCaught
        }
    }

    /// Slowdowns injected: 1% to 50%.
    package static let slowdowns = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5]
    /// The share of draws a slowdown must be caught in to count as seen.
    package static let power = 0.8

    package let percent: Double
    package let rows: [Row]
    package let cells: Int
    package let repetitionsMeasured: Int

    /// The figures for each of `repetitions` (each at most half the repetitions of the
    /// fewest-measured cell), from `draws` draws each, with a fixed seed so that one folder
    /// always gives one table.
    package init(records: [RepetitionRecord], percent: Double, repetitions: [Int], draws: Int = 200, seed: UInt64 = 34) {
        self.percent = percent
        let ok = records.filter { $0.status == .ok }
        let byCell = Dictionary(grouping: ok, by: \.cellKey).filter { $0.value.count >= 4 }
        cells = byCell.count
        repetitionsMeasured = byCell.values.map(\.count).min() ?? 0
        var random = DeterministicRandom(seed: seed)
        func shuffled(_ records: [RepetitionRecord]) -> [RepetitionRecord] {
            var copy = records
            if copy.count > 1 {
                for index in stride(from: copy.count - 1, to: 0, by: -1) {
                    copy.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
            }
            return copy
        }
        var rows: [Row] = []
        for n in repetitions where n >= 2 && 2 * n <= repetitionsMeasured {
            var alarms = 0
            var caught = [Int](repeating: 0, count: Self.slowdowns.count)
            var pairs = 0
            for _ in 0..<draws {
                var baseline: [RepetitionRecord] = []
                var candidate: [RepetitionRecord] = []
                for cell in byCell.values {
                    let drawn = shuffled(cell)
                    baseline += drawn.prefix(n)
                    candidate += drawn.dropFirst(n).prefix(n)
                }
                let same = RunComparison(baseline: baseline, candidate: candidate)
                if !same.regressions(slowerThanPercent: percent).filter({ !$0.disturbed }).isEmpty { alarms += 1 }
                pairs += byCell.count
                for (index, slowdown) in Self.slowdowns.enumerated() {
                    let slower = candidate.map { record in
                        var record = record
                        record.wallSeconds *= 1 + slowdown
                        return record
                    }
                    caught[index] += RunComparison(baseline: baseline, candidate: slower).regressions(slowerThanPercent: percent).filter { !$0.disturbed }.count
                }
            }
            let rates = caught.map { Double($0) / Double(max(pairs, 1)) }
            rows.append(Row(
                repetitions: n, falseAlarmRate: Double(alarms) / Double(draws),
                smallestCaught: zip(Self.slowdowns, rates).first { $0.1 >= Self.power }?.0, caught: Array(zip(Self.slowdowns, rates))))
        }
        self.rows = rows
    }

    /// The slowdown a recommended count must catch: 2.5 times the threshold, 5% at least.
    package var recommendedSlowdown: Double { max(percent / 100 * 2.5, 0.05) }

    /// The fewest repetitions whose false alarms are at most `falseAlarms` and that catch a
    /// slowdown of `slowdown` (``recommendedSlowdown`` unless given); `nil` when none measured does.
    package func recommended(falseAlarms: Double = 0.01, slowdown: Double? = nil) -> Int? {
        let slowdown = slowdown ?? recommendedSlowdown
        return rows.first { $0.falseAlarmRate <= falseAlarms && ($0.smallestCaught ?? .infinity) <= slowdown + 1e-9 }?.repetitions
    }

    /// The table and the recommendation, as `lab sensitivity` prints them.
    package var text: String {
        var text = "the gate at --fail-if-slower \(percent.shortText), from \(repetitionsMeasured) repetitions of \(cells) cell\(cells == 1 ? "" : "s") (random splits of one run):\n"
        text += "repetitions  false alarms  slowdown caught 80% of the time\n"
        for row in rows {
            let caught = row.smallestCaught.map { NumberFormatting.fixed($0 * 100, decimals: 0) + "%" } ?? "more than 50%"
            text += String(row.repetitions).leftPadded(to: 11) + "  " + (NumberFormatting.fixed(row.falseAlarmRate * 100, decimals: 1) + "%").leftPadded(to: 12) + "  " + caught + "\n"
        }
        let goal = recommendedSlowdown
        if let n = recommended() {
            text += "recommended: \(n) repetitions (false alarms at most 1%, a \(NumberFormatting.fixed(goal * 100, decimals: 0))% slowdown caught 80% of the time)\n"
        } else {
            text += "no repetition count measured keeps false alarms at most 1% and catches a \(NumberFormatting.fixed(goal * 100, decimals: 0))% slowdown: measure more repetitions, raise the threshold, or use lab ab\n"
        }
        return text
    }
}
