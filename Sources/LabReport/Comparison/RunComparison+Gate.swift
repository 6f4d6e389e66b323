import LabCore

extension RunComparison {
    /// A cell of the candidate that is slower than the baseline by more than the allowed
    /// share, significantly (or that failed only in the candidate).
    package struct Regression: Sendable {
        package let match: Match
        /// candidate median / baseline median; `nil` when the candidate's cell failed.
        package let slowdown: Double?
        /// The one-sided Mann-Whitney p-value of the candidate's walls against the baseline's
        /// scaled by the allowed slowdown, Holm-adjusted over every cell compared; `nil`
        /// without walls on a side.
        package let rankP: Double?
        /// Whether the candidate's interval lies above the baseline's scaled by the allowed
        /// slowdown, both at the gate's family-wise level; `nil` with fewer than 2 repetitions
        /// on a side.
        package let intervalsApart: Bool?

        /// Whether the rest of the machine disturbed a repetition of the cell on either side
        /// (see ``Disturbance``): then the gate does not call the cell slower, it names it
        /// as disturbed and cannot judge it.
        package var disturbed: Bool { match.disturbedRepetitions > 0 }

        /// Which rule found it: `rank test`, `intervals`, `both`, or `failed in the candidate`.
        package var decidedBy: String {
            guard slowdown != nil else { return "\(match.candidate.missingMedianText) in the candidate" }
            let rank = (rankP ?? 1) < RunComparison.significance
            switch (rank, intervalsApart == true) {
            case (true, true): return "both"
            case (true, false): return "rank test"
            default: return "intervals"
            }
        }
    }

    /// The family-wise level: the chance that the gate fails any cell of two runs that differ
    /// only by chance stays below it.
    package static let significance = 0.05

    /// The cells whose medians both runs have: the family the gate tests at once.
    var comparedCells: [Match] { matches.filter { $0.baseline.wallMedian != nil && $0.candidate.wallMedian != nil } }

    /// The confidence level of each cell's intervals in the gate: Bonferroni's 1 - 0.05/m for
    /// m compared cells (95% for one cell).
    package var gateIntervalLevel: Double { 1 - RunComparison.significance / Double(max(comparedCells.count, 1)) }

    /// The cells of the candidate slower than the baseline by more than `percent`: their
    /// median is more than (1 + percent/100) times the baseline's, and the difference holds
    /// beyond that allowance by either rule, each corrected for testing every compared cell at
    /// once (m cells; otherwise 48 cells tested at 5% each fail about two by chance alone):
    /// the rank test (Mann-Whitney U, one-sided, of the candidate's walls against the
    /// baseline's multiplied by 1 + percent/100, as Google Benchmark's compare.py uses it) with
    /// its p-values Holm-adjusted over the m cells and below 0.05, or the intervals (the
    /// candidate's Student-t interval at 1 - 0.05/m entirely above the baseline's at the same
    /// level, multiplied likewise). A cell that succeeded in the baseline and failed in the
    /// candidate is one too.
    package func regressions(slowerThanPercent percent: Double) -> [Regression] {
        let allowance = 1 + percent / 100
        let family = comparedCells
        let raw = family.map { match in
            Statistics.mannWhitneyGreater(match.baselineWalls.map { $0 * allowance }, match.candidateWalls)?.p ?? 1
        }
        // The family is `matches` less the cells without two medians, in the same order: its
        // adjusted p-values are taken in turn as those matches come.
        var adjusted = Statistics.holmAdjusted(raw).makeIterator()
        let level = gateIntervalLevel
        return matches.compactMap { match in
            guard let before = match.baseline.wallMedian else { return nil }
            guard let after = match.candidate.wallMedian else {
                return Regression(match: match, slowdown: nil, rankP: nil, intervalsApart: nil)
            }
            let adjustedP = adjusted.next()
            let slowdown = after / before
            guard slowdown > allowance else { return nil }
            let haveWalls = !match.baselineWalls.isEmpty && !match.candidateWalls.isEmpty
            let rankP = haveWalls ? adjustedP : nil
            let intervalsApart = Statistics.confidenceInterval(match.baselineWalls, level: level).flatMap { base in
                Statistics.confidenceInterval(match.candidateWalls, level: level).map {
                    $0.lowerBound > base.upperBound * allowance
                }
            }
            guard (rankP ?? 1) < RunComparison.significance || intervalsApart == true else { return nil }
            return Regression(match: match, slowdown: slowdown, rankP: rankP, intervalsApart: intervalsApart)
        }
    }

    /// The cells the gate cannot tell at `percent` that might be slower: not found slower by
    /// its rules, but whose median is more than the allowance slower (its intervals overlapping,
    /// or apart at 95% but not at the gate's level over every cell), or whose candidate's
    /// repetitions fall in two places with its slowest beyond the allowance. A CI job reruns these with more
    /// repetitions (exit status 4) instead of passing a regression.
    package func undecided(slowerThanPercent percent: Double, regressions: [Regression]) -> [Match] {
        let allowance = 1 + percent / 100
        let found = Set(regressions.map(\.match.candidate.cellKey))
        return matches.filter { match in
            guard !found.contains(match.candidate.cellKey), let before = match.baseline.wallMedian,
                let change = match.change
            else { return false }
            // Beyond the allowance by the medians, but not by the gate's corrected rules: a cell
            // whose 95% intervals alone are apart is not proven slower over all the cells.
            return change > allowance
                || (match.bimodal != nil && (match.candidateWalls.max() ?? 0) > before * allowance)
        }
    }

    /// What the gate decides, as the exit status: 1 when a cell is slower (undisturbed), failed
    /// only in the candidate or is missing from it; else 3 when a disturbed cell would be slower
    /// or cannot be told (a quiet machine would tell); else 4 when a cell cannot be told; else 0.
    package func gateStatus(regressions: [Regression], undecided: [Match], missingFail: Bool) -> Int32 {
        if regressions.contains(where: { !$0.disturbed }) || (missingFail && !onlyInBaseline.isEmpty) {
            return ExitStatus.failure.rawValue
        }
        if !regressions.isEmpty || undecided.contains(where: { $0.disturbedRepetitions > 0 }) {
            return ExitStatus.disturbed.rawValue
        }
        return undecided.isEmpty ? 0 : ExitStatus.undecided.rawValue
    }

    /// The gate's lines for the cells it cannot tell and the cells the candidate lacks.
    package func renderUndecided(_ undecided: [Match], percent: Double, allowMissing: Bool) -> String {
        var text = ""
        if !undecided.isEmpty {
            let names = undecided.map {
                "\($0.shown.workload) \($0.shown.label) (\($0.verdict(threshold: percent / 100)))"
            }
            text +=
                "lab compare: \(undecided.count) cell\(undecided.count == 1 ? "" : "s") cannot be told at "
                + "\(percent.shortText)%: "
                + names.joined(separator: "; ")
                + " (exit status 4 unless a cell fails; 3 when a cell was disturbed: run again on a quiet machine)\n"
        }
        if !onlyInBaseline.isEmpty {
            let names = onlyInBaseline.map { "\($0.workload) \($0.label) (\($0.parameters), \($0.tasks) tasks)" }
                .joined(separator: "; ")
            text +=
                allowMissing
                ? "lab compare: \(onlyInBaseline.count) cell\(onlyInBaseline.count == 1 ? "" : "s") of the baseline "
                    + "not in the candidate, allowed (--allow-missing): \(names)\n"
                : "lab compare: \(onlyInBaseline.count) cell\(onlyInBaseline.count == 1 ? " is" : "s are") in the "
                    + "baseline and not in the candidate, which fails the gate "
                    + "(a renamed or removed workload, a mode left out; --allow-missing lets it pass): \(names)\n"
        }
        return text
    }

    /// Why the rank test cannot fail a cell on its own in this comparison, when it cannot: its
    /// smallest possible p-value (one run's walls wholly above the other's) times the m cells
    /// is not below 0.05. `nil` when it can.
    package var rankTestLimit: String? {
        let family = comparedCells
        guard !family.isEmpty else { return nil }
        let sizes = family.map { ($0.baselineWalls.count, $0.candidateWalls.count) }
        let smallest = sizes.map { Statistics.smallestRankP(m: $0.0, n: $0.1) }.min() ?? 1
        guard smallest * Double(family.count) >= RunComparison.significance else { return nil }
        // The repetitions a side at which one run wholly above the other is significant.
        var needed = 2
        while Statistics.smallestRankP(m: needed, n: needed) * Double(family.count) >= RunComparison.significance {
            needed += 1
        }
        let (m, n) = sizes.max { $0.0 + $0.1 < $1.0 + $1.1 } ?? (0, 0)
        return "with \(m) and \(n) repetitions the rank test cannot decide alone over \(family.count) cells "
            + "(its smallest p-value, \(NumberFormatting.fixed(smallest, decimals: 4)), times \(family.count) is not "
            + "below \(RunComparison.significance.shortText)); "
            + "\(needed) repetitions a side would let it"
    }

    /// What `lab compare --fail-if-slower` adds: the cells that failed the gate, as a table,
    /// or one line saying none did.
    package func renderGate(_ regressions: [Regression], percent: Double) -> String {
        let limit = "by more than \(percent.shortText)%"
        let cells = comparedCells.count
        let level = NumberFormatting.fixed(gateIntervalLevel * 100, decimals: 2)
        let over = "\(cells) cell\(cells == 1 ? "" : "s")"
        let rule =
            "beyond the allowance by the rank test, p < \(RunComparison.significance.shortText) Holm-adjusted over "
            + "\(over), "
            + "or by \(level)% intervals apart, Bonferroni over \(over)"
        let note = rankTestLimit.map { "lab compare: note: \($0)\n" } ?? ""
        let (disturbed, slower) = (regressions.filter(\.disturbed), regressions.filter { !$0.disturbed })
        var refusal = ""
        if !disturbed.isEmpty {
            let names = disturbed.map {
                "\($0.match.shown.workload) \($0.match.shown.label)\($0.match.disturbanceNote)"
            }
            refusal =
                "lab compare: \(disturbed.count) cell\(disturbed.count == 1 ? "" : "s") would be slower \(limit) but "
                + "the machine was busy "
                + "with other work during \(disturbed.count == 1 ? "it" : "them") (disturbed), so the gate does not "
                + "judge \(disturbed.count == 1 ? "it" : "them"): "
                + names.joined(separator: "; ") + ". Run both again on a quiet machine (exit status 3)\n"
        }
        guard !slower.isEmpty else {
            let none = disturbed.isEmpty ? "no cell" : "no undisturbed cell"
            return
                "lab compare: \(none) is slower than the baseline \(limit) (\(rule); \(matches.count) cells compared)\n"
                + refusal + note
        }
        let count = slower.count
        var text =
            refusal
            + "lab compare: \(count) of \(matches.count) cell\(matches.count == 1 ? "" : "s") "
            + "\(count == 1 ? "is" : "are") slower than the baseline \(limit) (\(rule)):\n"
        let labels = slower.map { "\($0.match.shown.workload) \($0.match.shown.label)" }
        let width = max(labels.map(\.count).max() ?? 0, 4)
        text +=
            "  " + "cell".padded(to: width) + "  " + "baseline".padded(to: 10) + "  " + "candidate".padded(to: 10)
            + "  "
            + "slower".padded(to: 7) + "  " + "holm p".padded(to: 8) + "  " + "intervals".padded(to: 9)
            + "  decided by\n"
        for (label, regression) in zip(labels, slower) {
            let match = regression.match
            let before = match.baseline.wallMedian.map(NumberFormatting.duration) ?? match.baseline.missingMedianText
            let after = match.candidate.wallMedian.map(NumberFormatting.duration) ?? match.candidate.missingMedianText
            let slower = regression.slowdown.map { NumberFormatting.fixed($0, decimals: 2) + "x" } ?? "-"
            let p = regression.rankP.map { NumberFormatting.fixed($0, decimals: 4) } ?? "-"
            let apart = regression.intervalsApart.map { $0 ? "apart" : "overlap" } ?? "-"
            text +=
                "  " + label.padded(to: width) + "  " + before.padded(to: 10) + "  " + after.padded(to: 10) + "  "
                + slower.padded(to: 7)
                + "  " + p.padded(to: 8) + "  " + apart.padded(to: 9) + "  " + regression.decidedBy + "\n"
        }
        return text + note
    }
}
